import * as vscode from 'vscode';
import { resolveTopic, TopicArg, TopicTarget } from '../clusters/target';
import { recordErrorMessage } from '../clusters/validation';
import { config } from '../config';
import type { Ctx } from '../ctx';
import { canCompressZstd, Compression, COMPRESSIONS } from '../kafka/codecs';
import { IDEMPOTENCE, Idempotence, IdempotenceRefusedError, ProducerMode } from '../kafka/produce/producer';
import { parseLines, parseRecord } from '../kafka/produce/parse';
import { ParseOptions, ProduceFormat, RecordError, SendableRecord } from '../kafka/produce/records';
import { lineRanges, ProduceReport, sendRecords, topicFacts, UnknownTopicError } from '../kafka/produce/send';
import { adminFailure } from '../hints';

/** What tests and keybindings may pass instead of a topic node: the target, and optionally a key for this run. */
export interface ProduceArgs {
  clusterId: string;
  topic: string;
  key?: string;
}

type Mode = 'selection' | 'lines';

/** `Produce Selection`: each selection (one per cursor) is one message. Resolves with the delivery report. */
export const produceSelection = (ctx: Ctx) => (arg?: TopicArg) => produce(ctx, 'selection', arg);

/** `Produce Selection as Lines`: each non-empty line of the selections is one message, sent in batches. */
export const produceSelectionAsLines = (ctx: Ctx) => (arg?: TopicArg) => produce(ctx, 'lines', arg);

/** A piece of the document to send and the editor line (1-based) it starts on. */
interface Piece {
  text: string;
  line: number;
}

async function produce(ctx: Ctx, mode: Mode, arg: TopicArg): Promise<ProduceReport | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void ctx.showError(vscode.l10n.t('Open a file and select the text to send first.'));
    return undefined;
  }
  const pieces = await piecesToSend(editor);
  if (!pieces) {
    return undefined;
  }
  const options = await parseOptions(arg);
  if (!options) {
    return undefined;
  }
  const records = await parse(ctx, mode, pieces, options);
  if (!records) {
    return undefined;
  }
  if (records.length === 0) {
    void ctx.showWarning(vscode.l10n.t('The selection has only empty lines; nothing was sent.'));
    return undefined;
  }
  const target = await resolveTopic(ctx, arg, 'produce');
  if (!target) {
    return undefined;
  }
  return sendToTopic(ctx, target, records);
}

/** The selections in document order; with none, asks whether to send the current line or the whole document. */
async function piecesToSend(editor: vscode.TextEditor): Promise<Piece[] | undefined> {
  const document = editor.document;
  const selected = editor.selections.filter((s) => !s.isEmpty).sort((a, b) => a.start.compareTo(b.start));
  if (selected.length > 0) {
    return selected.map((s) => ({ text: document.getText(s), line: s.start.line + 1 }));
  }
  const current = editor.selection.active.line;
  const items = [
    { label: vscode.l10n.t('Send the current line'), detail: vscode.l10n.t('Line {0}', current + 1), choice: 'line' as const },
    { label: vscode.l10n.t('Send the whole document'), detail: vscode.l10n.t('{0} lines', document.lineCount), choice: 'document' as const },
  ];
  const placeHolder = vscode.l10n.t('Nothing is selected. What should be sent?');
  const picked = await vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true });
  if (!picked) {
    return undefined;
  }
  return picked.choice === 'line' ? [{ text: document.lineAt(current).text, line: current + 1 }] : [{ text: document.getText(), line: 1 }];
}

/** The format and key settings, and the key of this run: from the argument, or asked for when configured. */
async function parseOptions(arg: TopicArg): Promise<ParseOptions | undefined> {
  const settings = config.produce();
  const format: ProduceFormat = settings.format === 'jsonl' ? 'jsonl' : 'text';
  const keySeparator = settings.keySeparator || undefined;
  let key = typeof arg === 'object' && arg !== null && 'key' in arg ? (arg as ProduceArgs).key : undefined;
  if (key === undefined && settings.askForKey) {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Message key'),
      prompt: vscode.l10n.t('The key for every message of this send; leave empty for none.'),
      ignoreFocusOut: true,
    });
    if (typed === undefined) {
      return undefined;
    }
    key = typed === '' ? undefined : typed;
  }
  return { format, keySeparator, key };
}

/** Parses every piece; a bad record is reported with its line, and nothing of the run is sent. */
async function parse(ctx: Ctx, mode: Mode, pieces: Piece[], options: ParseOptions): Promise<SendableRecord[] | undefined> {
  try {
    const records: SendableRecord[] = [];
    for (const piece of pieces) {
      if (mode === 'lines') {
        records.push(...(await parseLines(piece.text, piece.line, options)));
      } else if (piece.text.trim() !== '') {
        records.push(parseRecord(piece.text, piece.line, options));
      }
    }
    return records;
  } catch (error) {
    if (error instanceof RecordError) {
      void ctx.showError(vscode.l10n.t('{0} Nothing was sent.', recordErrorMessage(error)));
      return undefined;
    }
    throw error;
  }
}

/** `ckafka.produce.compression`, checked: an unknown value or a codec this runtime cannot write is an error, never a fallback. */
function compressionSetting(ctx: Ctx): Compression | undefined {
  const value = config.produce().compression;
  const compression = COMPRESSIONS.find((c) => c === String(value).toLowerCase());
  if (!compression) {
    void ctx.showError(vscode.l10n.t('The setting ckafka.produce.compression has the unknown value "{0}"; use none, gzip, snappy, lz4 or zstd. Nothing was sent.', String(value)));
    return undefined;
  }
  if (compression === 'zstd' && !canCompressZstd()) {
    void ctx.showError(
      vscode.l10n.t('This VS Code runs Node.js {0}, which cannot write zstd (Node 22.15 or later can). Set ckafka.produce.compression to lz4 or gzip, or update VS Code. Nothing was sent.', process.versions.node),
    );
    return undefined;
  }
  return compression;
}

/** `ckafka.produce.idempotent`, checked like the compression: an unknown value is an error, never a weaker choice. */
function idempotenceSetting(ctx: Ctx): Idempotence | undefined {
  const value = config.produce().idempotent;
  const idempotence = IDEMPOTENCE.find((i) => i === String(value).toLowerCase());
  if (!idempotence) {
    void ctx.showError(vscode.l10n.t('The setting ckafka.produce.idempotent has the unknown value "{0}"; use auto, always or never. Nothing was sent.', String(value)));
  }
  return idempotence;
}

/** Says once per cluster what sending without idempotence means, when `auto` fell back to it. */
function noticeFallback(ctx: Ctx, clusterName: string, refusal: string): void {
  ctx.log.warn(`produce to ${clusterName}: InitProducerId refused (${refusal}); sending with acks=all without idempotence`);
  void ctx.showWarning(
    vscode.l10n.t(
      '{0} does not allow an idempotent producer (InitProducerId was refused: {1}). Messages to it are sent with acks=all but without idempotence: when an acknowledgement is lost and the send is retried, a message may be written twice. To send idempotently, allow the user IdempotentWrite under ACL 策略管理; to send this way without this notice, set ckafka.produce.idempotent to never.',
      clusterName,
      refusal,
    ),
  );
}

/**
 * Sends records to a topic with the cluster's producer and reports what the broker acknowledged, as every
 * produce does (status bar, notification, log line). Message Query's re-send uses it too.
 */
export async function sendToTopic(ctx: Ctx, target: TopicTarget, records: readonly SendableRecord[]): Promise<ProduceReport | undefined> {
  const { cluster, topic } = target;
  const where = `${cluster.name}/${topic}`;
  const compression = compressionSetting(ctx);
  const idempotence = idempotenceSetting(ctx);
  if (!compression || !idempotence) {
    return undefined;
  }
  let report: ProduceReport;
  let mode: ProducerMode;
  try {
    const [admin, producer] = await Promise.all([ctx.sessions.admin(cluster), ctx.sessions.producer(cluster)]);
    mode = await producer.use(idempotence);
    const refusal = producer.takeFallbackNotice();
    if (refusal !== undefined) {
      noticeFallback(ctx, cluster.name, refusal);
    }
    const facts = await topicFacts(admin, topic);
    if (facts.limitAssumed) {
      ctx.log.warn(`produce to ${where}: could not read max.message.bytes, assuming ${facts.maxMessageBytes} bytes`);
    }
    if (records.length === 1) {
      report = await sendRecords(producer, facts, records, { compression });
    } else {
      report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Sending {0} messages to {1}', records.length, where), cancellable: true },
        (progress, token) => {
          let reported = 0;
          return sendRecords(producer, facts, records, {
            compression,
            isCancelled: () => token.isCancellationRequested,
            onAcknowledged: (acknowledged, total) => {
              progress.report({ message: vscode.l10n.t('{0} of {1} acknowledged', acknowledged, total), increment: ((acknowledged - reported) / total) * 100 });
              reported = acknowledged;
            },
          });
        },
      );
    }
  } catch (error) {
    return failedBeforeSending(ctx, where, error);
  }
  announce(ctx, where, mode, report);
  return report;
}

function failedBeforeSending(ctx: Ctx, where: string, error: unknown): undefined {
  if (error instanceof vscode.CancellationError) {
    throw error;
  }
  if (error instanceof RecordError) {
    void ctx.showError(vscode.l10n.t('{0} Nothing was sent.', recordErrorMessage(error)));
    return undefined;
  }
  if (error instanceof IdempotenceRefusedError) {
    ctx.log.error(`produce to ${where}: InitProducerId refused (${error.refusal}) and ckafka.produce.idempotent is "always"; nothing sent`);
    void ctx.showError(
      vscode.l10n.t(
        'Could not send to {0}: the cluster refused an idempotent producer (InitProducerId: {1}), and ckafka.produce.idempotent is "always". Allow the user IdempotentWrite under ACL 策略管理, or set ckafka.produce.idempotent to auto. Nothing was sent.',
        where,
        error.refusal,
      ),
    );
    return undefined;
  }
  if (error instanceof UnknownTopicError) {
    ctx.log.error(`produce to ${where}: the topic does not exist; nothing sent`);
    void ctx.showError(vscode.l10n.t('Topic {0} does not exist, and producing never creates topics. Create it in the CKafka console or with Create Topic, then send again. Nothing was sent.', where));
    return undefined;
  }
  const { hint, detail } = adminFailure(error);
  ctx.log.error(`produce to ${where} failed before sending: ${detail}`);
  void ctx.showError(vscode.l10n.t('Could not send to {0}: {1} Nothing was sent.', where, hint));
  return undefined;
}

/** One log line always; a status-bar message for one acknowledged message, a notification otherwise. */
function announce(ctx: Ctx, where: string, mode: ProducerMode, report: ProduceReport): void {
  const offsets = report.partitions.map((p) => (p.count === 1 ? `p${p.partition}@${p.firstOffset}` : `p${p.partition}@${p.firstOffset}-${p.lastOffset}`)).join(' ');
  const how = mode.idempotent ? 'idempotent' : 'not idempotent';
  ctx.log.info(`produce to ${where} (${how}): ${report.acknowledged} of ${report.total} acknowledged ${offsets}`.trim());
  for (const failed of report.unacknowledged) {
    const why = failed.error === undefined ? 'cancelled' : adminFailure(failed.error).detail;
    ctx.log.error(`produce to ${where}: partition ${failed.partition}: ${failed.lines.length} not acknowledged (lines ${lineRanges(failed.lines)}): ${why}`);
  }
  if (report.acknowledged === report.total && report.total === 1) {
    const [p] = report.partitions;
    ctx.showStatus(vscode.l10n.t('Sent to {0}: partition {1}, offset {2}', where, p.partition, p.firstOffset));
  } else if (report.acknowledged === report.total) {
    void ctx.showInfo(vscode.l10n.t('Sent {0} messages to {1}; all acknowledged.', report.total, where));
  } else if (report.cancelled && report.unacknowledged.every((u) => u.error === undefined)) {
    const lines = lineRanges(report.unacknowledged.flatMap((u) => u.lines));
    void ctx.showWarning(vscode.l10n.t('Cancelled: {0} of {1} messages were acknowledged by {2}; lines {3} were not sent.', report.acknowledged, report.total, where, lines));
  } else {
    const firstError = report.unacknowledged.find((u) => u.error !== undefined)?.error;
    const lines = lineRanges(report.unacknowledged.flatMap((u) => u.lines));
    const hint = adminFailure(firstError).hint;
    void ctx.showError(vscode.l10n.t('{0} of {1} messages were acknowledged by {2}; not acknowledged: lines {3}. {4}', report.acknowledged, report.total, where, lines, hint));
  }
}
