import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { timeouts } from '../../clusters/sessions';
import { validationMessage } from '../../clusters/validation';
import type { Ctx } from '../../ctx';
import { ClusterSettings, usesSasl } from '../../kafka/cluster';
import { parseTimestamp } from '../../kafka/position';
import { checkQuery, FilterError, parseFilter, QueryConnection, QueryError, QueryResults, QueryRun, QuerySpec, runQuery } from '../../kafka/query';
import { copyPart, exportRecords, openRecord, recordLink, resend } from './actions';
import { pageHtml } from './html';
import { checkPageMessage, FromPage, PageQuery, PageSelection, perPartition } from './protocol';
import { filterErrorText, fieldName, panelTitle, perPartitionHelp, queryErrorText, summaryLine } from './text';

/** What a panel opens on: a topic, a partition to preselect, a record to show (from a link). */
export interface QueryTarget {
  cluster: ClusterSettings;
  topic: string;
  partition?: number;
  record?: { partition: number; offset: number };
}

/** The open Message Query panels, one per cluster and topic. */
export class QueryPanels implements vscode.Disposable {
  private readonly panels = new Map<string, QueryPanel>();
  private readonly watcher: vscode.Disposable;

  constructor(private readonly ctx: Ctx) {
    // A removed cluster closes its panels; a renamed one retitles them.
    this.watcher = ctx.sessions.onDidChangeCluster((change) => {
      for (const panel of [...this.panels.values()]) {
        panel.clusterChanged(change.id, change.settings);
      }
    });
  }

  /** Shows the topic's panel (made now if it has none), with the target's partition or record. */
  open(target: QueryTarget): void {
    const key = JSON.stringify([target.cluster.id, target.topic]);
    const open = this.panels.get(key);
    if (open) {
      open.reveal(target);
      return;
    }
    this.panels.set(key, new QueryPanel(this.ctx, target, () => this.panels.delete(key)));
  }

  dispose(): void {
    this.watcher.dispose();
    for (const panel of [...this.panels.values()]) {
      panel.dispose();
    }
  }
}

/** Checked page input turned into a query, or the field at fault and why. */
type Checked = { spec: QuerySpec } | { field: string; message: string };

/** Whole number typed in a box; undefined when empty. */
function typedNumber(text: string, field: string): number | undefined {
  const trimmed = text.trim().replace(/[,_ ]/g, '');
  if (trimmed === '') {
    return undefined;
  }
  if (!/^\d+$/.test(trimmed)) {
    throw new QueryError(field as QueryError['field'], 'notWholeNumber', text);
  }
  return Number(trimmed);
}

/** The page's query as a QuerySpec, checked as runQuery would check it, before anything is read. */
export function toSpec(topic: string, query: PageQuery, now = Date.now()): Checked {
  let field = 'range';
  try {
    const range = query.range;
    let spec: QuerySpec;
    switch (range.kind) {
      case 'last':
        spec = { topic, range: { kind: 'time', from: now - range.minutes * 60_000 } };
        break;
      case 'time': {
        for (const [name, value] of [['range.from', range.from], ['range.to', range.to]] as const) {
          const problem = value.trim() === '' && name === 'range.to' ? undefined : validationMessage(() => parseTimestamp(value, now));
          if (problem) {
            return { field: name, message: problem };
          }
        }
        spec = { topic, range: { kind: 'time', from: parseTimestamp(range.from, now), to: range.to.trim() === '' ? undefined : parseTimestamp(range.to, now) } };
        break;
      }
      case 'offsets': {
        field = 'range.from';
        const from = typedNumber(range.from, 'range') ?? 0;
        field = 'range.to';
        const to = typedNumber(range.to, 'range');
        field = 'range.perPartition';
        const byPartition = perPartition(range.perPartition ?? '');
        if (byPartition === undefined) {
          return { field, message: perPartitionHelp() };
        }
        spec = { topic, range: { kind: 'offsets', from, to, byPartition: Object.keys(byPartition).length > 0 ? byPartition : undefined } };
        if (query.partitions.length === 0 && Object.keys(byPartition).length > 0) {
          // Spans given for some partitions, none ticked: read those partitions only.
          query = { ...query, partitions: Object.keys(byPartition).map(Number) };
        }
        break;
      }
      case 'newest':
        field = 'range.count';
        spec = { topic, range: { kind: 'newest', count: typedNumber(range.count, 'range') ?? 0 } };
        break;
    }
    field = 'budget';
    spec.partitions = query.partitions.length === 0 ? undefined : query.partitions;
    spec.filter = query.filter;
    spec.budget = {};
    for (const name of ['records', 'seconds', 'results'] as const) {
      field = `budget.${name}`;
      const value = typedNumber(query.budget[name], field);
      if (value !== undefined) {
        spec.budget[name] = value;
      }
    }
    field = 'range';
    checkQuery(spec);
    field = 'filter';
    parseFilter(spec.filter ?? '');
    return { spec };
  } catch (error) {
    if (error instanceof FilterError) {
      return { field: 'filter', message: filterErrorText(error) };
    }
    if (error instanceof QueryError) {
      const at = error.field === 'range' && field.startsWith('range.') ? field : error.field;
      return { field: at, message: queryErrorText(error) };
    }
    return { field, message: fieldName(field) };
  }
}

class QueryPanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private results = new QueryResults();
  private run: QueryRun | undefined;
  private runId = 0;
  private ready = false;
  private readonly queue: unknown[] = [];
  private pendingRecord: QueryTarget['record'];

  constructor(
    private readonly ctx: Ctx,
    private readonly target: QueryTarget,
    private readonly onDispose: () => void,
  ) {
    const media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'query');
    this.panel = vscode.window.createWebviewPanel('ckafka.query', panelTitle(target.cluster.name, target.topic), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
      retainContextWhenHidden: true,
    });
    this.panel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'ckafka.svg');
    this.panel.webview.html = pageHtml(this.panel.webview, media, `${target.cluster.id}/${target.topic}`);
    this.pendingRecord = target.record;
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      this.panel.onDidDispose(() => this.disposed()),
    );
  }

  reveal(target: QueryTarget): void {
    this.panel.reveal();
    if (target.partition !== undefined) {
      this.post({ type: 'preselect', partition: target.partition });
    }
    if (target.record) {
      this.pendingRecord = target.record;
      this.showPendingRecord();
    }
  }

  dispose(): void {
    this.panel.dispose();
  }

  clusterChanged(id: string, settings: ClusterSettings | undefined): void {
    if (id !== this.target.cluster.id) {
      return;
    }
    if (!settings) {
      this.dispose();
      return;
    }
    this.target.cluster = settings;
    this.panel.title = panelTitle(settings.name, this.target.topic);
  }

  private disposed(): void {
    this.runId++;
    this.run?.cancel();
    this.disposables.forEach((d) => d.dispose());
    this.onDispose();
  }

  private post(message: unknown): void {
    if (!this.ready) {
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const { message, refused } = checkPageMessage(raw);
    if (!message) {
      this.ctx.log.warn(`message query: refused a message from the page (${refused ?? 'unknown'})`);
      return;
    }
    void this.handle(message).catch((error: unknown) => {
      if (error instanceof vscode.CancellationError) {
        return;
      }
      const text = error instanceof Error ? error.message : String(error);
      this.ctx.log.error(`message query on ${this.target.cluster.name}/${this.target.topic}: ${text}`);
      void this.ctx.showError(text);
    });
  }

  private async handle(message: FromPage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.start();
      case 'run':
        return this.query(message.query);
      case 'cancel':
        this.run?.cancel();
        return;
      case 'rows':
        this.post({
          type: 'rows',
          start: message.start,
          order: message.order,
          descending: message.descending,
          total: this.results.size,
          rows: this.results.rows(message.order, message.descending, message.start, message.count),
        });
        return;
      case 'detail': {
        const record = this.results.detail(message.index);
        if (record) {
          this.post({ type: 'detail', record });
        }
        return;
      }
      case 'copy':
        return copyPart(this.ctx, this.target.topic, this.results.records[message.index], message.what);
      case 'openRecord':
        return openRecord(this.ctx, this.target.topic, this.results.records[message.index]);
      case 'link':
        return recordLink(this.ctx, this.target.cluster, this.target.topic, this.results.records[message.index]);
      case 'export':
        return exportRecords(this.ctx, this.target.topic, this.selected(message.selection), message.format);
      case 'resend':
        return resend(this.ctx, this.target.cluster, this.target.topic, this.selected(message.selection));
    }
  }

  private selected(selection: PageSelection) {
    const records = this.results.records;
    const order = this.results.order(selection.order, selection.descending);
    if (selection.positions === undefined) {
      return Array.from(order, (i) => records[i]);
    }
    return [...new Set(selection.positions)].filter((p) => p < order.length).sort((a, b) => a - b).map((p) => records[order[p]]);
  }

  /** The page is loaded: it gets its words' context (the topic's partitions), then any record to show. */
  private async start(): Promise<void> {
    this.ready = true;
    let partitions: number[] = [];
    try {
      const admin = await this.ctx.sessions.admin(this.target.cluster);
      const metadata = await admin.fetchTopicMetadata({ topics: [this.target.topic] });
      partitions = (metadata.topics[0]?.partitions ?? []).map((p) => p.partitionId).sort((a, b) => a - b);
    } catch (error) {
      if (error instanceof vscode.CancellationError) {
        throw error;
      }
      this.ctx.log.warn(`message query: could not list the partitions of ${this.target.topic}: ${error instanceof Error ? error.message : String(error)}`);
    }
    void this.panel.webview.postMessage({ type: 'init', cluster: this.target.cluster.name, topic: this.target.topic, partitions, preselect: this.target.partition });
    for (const message of this.queue.splice(0)) {
      void this.panel.webview.postMessage(message);
    }
    this.showPendingRecord();
  }

  /** A link's record: read that one offset of that partition, then select it. */
  private showPendingRecord(): void {
    const record = this.pendingRecord;
    if (!record || !this.ready) {
      return;
    }
    this.pendingRecord = undefined;
    const from = String(record.offset);
    const query: PageQuery = { range: { kind: 'offsets', from, to: from }, partitions: [record.partition], filter: '', budget: { records: '', seconds: '', results: '' } };
    this.post({ type: 'showQuery', query });
    void this.query(query, record).catch((error: unknown) => this.ctx.log.error(`message query link: ${error instanceof Error ? error.message : String(error)}`));
  }

  private workerFile(): string | undefined {
    const bundled = path.join(this.ctx.extension.extensionPath, 'dist', 'queryWorker.js');
    return fs.existsSync(bundled) ? bundled : undefined;
  }

  private async connection(): Promise<QueryConnection> {
    const session = this.ctx.sessions.session(this.target.cluster);
    const settings = session.settings;
    const password = usesSasl(settings) ? await session.password() : undefined;
    return { settings, password, timeouts: timeouts() };
  }

  private async query(query: PageQuery, reveal?: { partition: number; offset: number }): Promise<void> {
    const checked = toSpec(this.target.topic, query);
    if ('field' in checked) {
      this.post({ type: 'invalid', field: checked.field, message: checked.message });
      return;
    }
    this.run?.cancel();
    const id = ++this.runId;
    let connection: QueryConnection;
    try {
      connection = await this.connection();
    } catch (error) {
      if (error instanceof vscode.CancellationError) {
        this.post({ type: 'invalid', field: 'run', message: vscode.l10n.t('No password was given; nothing was read.') });
        return;
      }
      throw error;
    }
    if (id !== this.runId) {
      return;
    }
    const results = new QueryResults();
    this.results = results;
    this.post({ type: 'started' });
    let countTimer: ReturnType<typeof setTimeout> | undefined;
    const postCount = () => {
      countTimer = undefined;
      if (id === this.runId) {
        this.post({ type: 'count', total: results.size });
      }
    };
    const run = runQuery(
      checked.spec,
      connection,
      {
        onPlan: (partitions) => id === this.runId && this.post({ type: 'progress', progress: { partitions } }),
        onProgress: (progress) => id === this.runId && this.post({ type: 'progress', progress }),
        onRecords: (records) => {
          results.add(records);
          countTimer ??= setTimeout(postCount, 150);
        },
      },
      { workerFile: this.workerFile() },
    );
    this.run = run;
    const summary = await run.done;
    clearTimeout(countTimer);
    if (id !== this.runId) {
      return;
    }
    this.run = undefined;
    if (summary.error) {
      this.ctx.log.error(`message query on ${this.target.cluster.name}/${this.target.topic} failed (${summary.error.cause}): ${summary.error.detail}`);
    }
    for (const skipped of summary.skipped) {
      this.ctx.log.warn(`message query on ${this.target.topic}: skipped partition ${skipped.partition} offsets ${skipped.firstOffset}-${skipped.lastOffset} (${skipped.compression}): ${skipped.reason}`);
    }
    this.post({ type: 'done', total: results.size, stopped: summary.stopped, line: summaryLine(summary), progress: summary });
    if (reveal) {
      const index = results.records.findIndex((r) => r.partition === reveal.partition && r.offset === reveal.offset);
      if (index < 0) {
        this.post({ type: 'invalid', field: 'run', message: vscode.l10n.t('Partition {0} of {1} has no record at offset {2}.', reveal.partition, this.target.topic, reveal.offset) });
        return;
      }
      this.post({ type: 'reveal', position: Array.from(results.order('offset')).indexOf(index), index });
    }
  }
}
