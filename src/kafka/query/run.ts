import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { parseFilter } from './filter';
import type { QueryRecord } from './records';
import type { ScanEvent } from './scan';
import { checkQuery, PartitionProgress, QueryConnection, QueryProgress, QuerySpec, QuerySummary, resolveBudget, StopReason, WorkerInput } from './spec';

export interface QueryListener {
  /** The offsets each partition's part of the range covers, once they are known. */
  onPlan?(partitions: PartitionProgress[]): void;
  /** At most about ten times a second while the scan runs. */
  onProgress?(progress: QueryProgress): void;
  /** Found records, in batches; the first match comes alone, at once. */
  onRecords?(records: QueryRecord[]): void;
}

export interface QueryRun {
  /** Resolves with the completeness line when the scan has ended, however it ended; never rejects. */
  readonly done: Promise<QuerySummary>;
  /** Stops the scan; `done` then resolves with `stopped: 'cancel'`. */
  cancel(): void;
}

export interface RunOptions {
  /**
   * The worker's script. Unless given: `worker.js` beside this file (compiled sources), or else
   * `queryWorker.js` beside it (the bundled extension, where this file is part of dist/extension.js).
   */
  workerFile?: string;
  /** How long the worker may take to stop after a cancel or at the time budget before it is ended. */
  graceMs?: number;
}

/** The worker's heap: enough for a few Fetch answers in flight, and a hard stop for anything pathological. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 256 };
const DEFAULT_GRACE_MS = 2000;

function defaultWorkerFile(): string {
  const compiled = path.join(__dirname, 'worker.js');
  return fs.existsSync(compiled) ? compiled : path.join(__dirname, 'queryWorker.js');
}

/**
 * Starts a query in a worker thread of its own, so that decoding and filtering never run on the calling
 * (extension host's main) thread and their garbage is not its garbage. Throws QueryError or FilterError at
 * once, before anything is read, when the query or its filter is refused.
 *
 * The worker is ended, whatever it is doing (a regular expression still matching, a broker not answering),
 * when it has not stopped `graceMs` after a cancel or after the time budget; the summary then says `forced`.
 */
export function runQuery(spec: QuerySpec, connection: QueryConnection, listener: QueryListener = {}, options: RunOptions = {}): QueryRun {
  checkQuery(spec);
  parseFilter(spec.filter ?? '');
  const budget = resolveBudget(spec.budget);
  const grace = options.graceMs ?? DEFAULT_GRACE_MS;
  const startedAt = Date.now();
  const input: WorkerInput = { spec, connection };
  const worker = new Worker(options.workerFile ?? defaultWorkerFile(), { workerData: input, resourceLimits: WORKER_LIMITS, execArgv: [] });

  let last: QueryProgress = { partitions: [], scanned: 0, matched: 0, kept: 0 };
  let received = 0;
  let finished = false;
  let cancelled = false;
  let resolveDone: (summary: QuerySummary) => void = () => undefined;
  const done = new Promise<QuerySummary>((resolve) => (resolveDone = resolve));

  const finish = (summary: QuerySummary) => {
    if (finished) {
      return;
    }
    finished = true;
    clearTimeout(watchdog);
    clearTimeout(cancelWatchdog);
    void worker.terminate();
    resolveDone(summary);
  };
  /** A summary made here, when the worker could not give its own. */
  const endedHere = (stopped: StopReason, extra: Partial<QuerySummary>) =>
    finish({ ...last, kept: received, stopped, elapsedMs: Date.now() - startedAt, skipped: [], ...extra });
  const force = (stopped: StopReason) => endedHere(stopped, { forced: true });

  const watchdog = setTimeout(() => force('seconds'), budget.seconds * 1000 + grace);
  let cancelWatchdog: ReturnType<typeof setTimeout> | undefined;

  worker.on('message', (event: ScanEvent) => {
    if (finished) {
      return;
    }
    switch (event.type) {
      case 'plan':
        last = { ...last, partitions: event.partitions };
        listener.onPlan?.(event.partitions);
        break;
      case 'progress':
        last = event.progress;
        listener.onProgress?.(event.progress);
        break;
      case 'records':
        received += event.records.length;
        listener.onRecords?.(event.records);
        break;
      case 'done':
        finish(event.summary);
        break;
    }
  });
  worker.on('error', (error) => endedHere('error', { error: { cause: 'thread', detail: error.message } }));
  worker.on('exit', (code) => endedHere(cancelled ? 'cancel' : 'error', cancelled ? {} : { error: { cause: 'thread', detail: `the query worker exited with code ${code}` } }));

  return {
    done,
    cancel: () => {
      if (finished || cancelled) {
        return;
      }
      cancelled = true;
      worker.postMessage({ type: 'cancel' });
      cancelWatchdog = setTimeout(() => force('cancel'), grace);
    },
  };
}
