import { isUtf8 } from 'buffer';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { sendToTopic } from '../../commands/produce';
import type { Ctx } from '../../ctx';
import type { ClusterSettings } from '../../kafka/cluster';
import { loadTopics } from '../../kafka/metadata';
import type { BytesRecord } from '../../kafka/produce/records';
import { QueryRecord, recordDocument, toCsv, toJsonLines } from '../../kafka/query';
import { adminFailure } from '../../hints';

/** What a user does with found records: copy, open, link, export, re-send. */

const buffer = (view: Uint8Array) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);

/** Text of a key or value: itself when UTF-8, `base64:…` otherwise. */
function partText(view: Uint8Array | null): string {
  if (view === null) {
    return '';
  }
  return isUtf8(view) ? buffer(view).toString('utf8') : `base64:${buffer(view).toString('base64')}`;
}

export async function copyPart(ctx: Ctx, topic: string, record: QueryRecord | undefined, what: 'key' | 'value' | 'record'): Promise<void> {
  if (!record) {
    return;
  }
  const text = what === 'record' ? recordDocument(topic, record) : partText(what === 'key' ? record.key : record.value);
  await vscode.env.clipboard.writeText(text);
  const name = what === 'key' ? vscode.l10n.t('the key') : what === 'value' ? vscode.l10n.t('the value') : vscode.l10n.t('the record as JSON');
  ctx.showStatus(vscode.l10n.t('Copied {0} of partition {1}, offset {2}.', name, record.partition, record.offset));
}

export async function openRecord(ctx: Ctx, topic: string, record: QueryRecord | undefined): Promise<void> {
  if (!record) {
    return;
  }
  const uri = ctx.documents.uri(`${topic}-${record.partition}-${record.offset}`, 'json');
  await ctx.documents.show(uri, recordDocument(topic, record));
}

/** A `vscode://` link to a record: the cluster's id (never its password), the topic, partition and offset. */
export function linkOf(extensionId: string, clusterId: string, topic: string, partition: number, offset: number): vscode.Uri {
  const query = new URLSearchParams({ cluster: clusterId, topic, partition: String(partition), offset: String(offset) }).toString();
  return vscode.Uri.from({ scheme: vscode.env.uriScheme, authority: extensionId, path: '/query', query });
}

export async function recordLink(ctx: Ctx, cluster: ClusterSettings, topic: string, record: QueryRecord | undefined): Promise<void> {
  if (!record) {
    return;
  }
  const link = linkOf(ctx.extension.extension.id, cluster.id, topic, record.partition, record.offset).toString(true);
  await vscode.env.clipboard.writeText(link);
  ctx.log.info(`message query: copied the link ${link}`);
  ctx.showStatus(vscode.l10n.t('Copied a link to partition {0}, offset {1} of {2}.', record.partition, record.offset, topic));
}

export async function exportRecords(ctx: Ctx, topic: string, records: QueryRecord[], format: 'jsonl' | 'csv'): Promise<void> {
  if (records.length === 0) {
    void ctx.showWarning(vscode.l10n.t('There are no records to export.'));
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const name = `${topic.replace(/[^\p{L}\p{N}._-]+/gu, '_')}.${format}`;
  const target = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export {0} records', records.length),
    defaultUri: vscode.Uri.joinPath(folder, name),
    filters: format === 'jsonl' ? { [vscode.l10n.t('JSON Lines')]: ['jsonl'] } : { CSV: ['csv'] },
  });
  if (!target) {
    return;
  }
  let text: string;
  let inexact = 0;
  if (format === 'jsonl') {
    ({ text, inexact } = toJsonLines(records));
  } else {
    text = toCsv(records);
  }
  await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
  ctx.log.info(`message query: exported ${records.length} records of ${topic} to ${target.fsPath} (${format})`);
  const where = path.basename(target.path);
  if (inexact > 0) {
    void ctx.showWarning(
      vscode.l10n.t('Exported {0} records to {1}. {2} of them have null header values, which Produce Selection as Lines refuses (kafkajs cannot send them), or headers in an order it does not keep (it sends the values of one name together, and names that are numbers first).', records.length, where, inexact),
    );
  } else {
    void ctx.showInfo(vscode.l10n.t('Exported {0} records to {1}.', records.length, where));
  }
}

/**
 * The record as produce sends it: its bytes, its headers (every value of a repeated name; the values of one
 * name stay in order, names go in the order first seen) and, if asked, its partition. A null header value goes
 * out empty: kafkajs cannot write a null one, and the question before sending says so.
 */
export function bytesRecord(record: QueryRecord, line: number, keepPartition: boolean): BytesRecord {
  const headers: Record<string, Buffer[]> = Object.create(null) as Record<string, Buffer[]>;
  for (const h of record.headers) {
    (headers[h.name] ??= []).push(h.value === null ? Buffer.alloc(0) : Buffer.from(buffer(h.value)));
  }
  return {
    key: record.key === null ? undefined : Buffer.from(buffer(record.key)),
    value: record.value === null ? null : Buffer.from(buffer(record.value)),
    headers: record.headers.length > 0 ? headers : undefined,
    partition: keepPartition ? record.partition : undefined,
    line,
  };
}

/** Asks for the topic (this one first), whether partitions are kept, and a modal yes; then sends through produce. */
export async function resend(ctx: Ctx, cluster: ClusterSettings, topic: string, records: QueryRecord[]): Promise<void> {
  if (records.length === 0) {
    void ctx.showWarning(vscode.l10n.t('There are no records to re-send.'));
    return;
  }
  let topics: string[];
  try {
    topics = (await loadTopics(await ctx.sessions.admin(cluster))).filter((t) => !t.internal).map((t) => t.name);
  } catch (error) {
    if (error instanceof vscode.CancellationError) {
      throw error;
    }
    const { hint, detail } = adminFailure(error);
    ctx.log.error(`listing the topics of ${cluster.name} failed: ${detail}`);
    throw new Error(vscode.l10n.t('Could not list the topics of {0}: {1}', cluster.name, hint));
  }
  topics.sort((a, b) => Number(b === topic) - Number(a === topic) || a.localeCompare(b));
  const target = await vscode.window.showQuickPick(
    topics.map((t) => ({ label: t, description: t === topic ? vscode.l10n.t('this topic') : undefined })),
    { title: vscode.l10n.t('Re-send {0} records', records.length), placeHolder: vscode.l10n.t('Topic to send the records to'), ignoreFocusOut: true },
  );
  if (!target) {
    return;
  }
  const keep = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Keep each record\'s partition'), keep: true },
      { label: vscode.l10n.t('Let the key choose the partition'), detail: vscode.l10n.t('As a producer would: records without a key are spread.'), keep: false },
    ],
    { title: vscode.l10n.t('Re-send {0} records', records.length), placeHolder: vscode.l10n.t('Partitions'), ignoreFocusOut: true },
  );
  if (!keep) {
    return;
  }
  const where = `${cluster.name}/${target.label}`;
  const send = vscode.l10n.t('Send');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Send {0} records to {1}?', records.length, where),
    { modal: true, detail: resendDetail(records) },
    send,
  );
  if (answer !== send) {
    return;
  }
  await sendToTopic(ctx, { cluster, topic: target.label }, records.map((r, i) => bytesRecord(r, i + 1, keep.keep)));
}

/** What re-sending keeps, and the one thing it cannot: a null header value. */
function resendDetail(records: readonly QueryRecord[]): string {
  const same = vscode.l10n.t('Keys, values and headers are sent as they were found; the records get new offsets and timestamps.');
  const nullHeaders = records.filter((r) => r.headers.some((h) => h.value === null)).length;
  if (nullHeaders === 0) {
    return same;
  }
  return `${same}\n\n${vscode.l10n.t('{0} of them have null header values, which go out as empty values: the Kafka library (kafkajs) cannot send a null header value.', nullHeaders)}`;
}
