import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Kafka, logLevel, Producer } from 'kafkajs';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { ExplorerNode } from '../../src/views/explorer';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { Target } from '../integration/env';
import { kcat } from '../integration/kcat';
import { activate, waitFor } from './helpers';
import { RawRecord, readBytesWithKcat } from './readback';
import { screen } from './shown';
import type { WebviewAction } from '../host/ui';
import { answerModals, ui, uiAvailable } from './ui';

/**
 * Message Query in the real workbench: the panel is opened from the explorer's topic node, and every query,
 * click and key inside the webview is done through the browser (test/host/ui.ts). What the panel shows is
 * read from its page; what it sends is read back from the broker with kcat.
 */
const RUN = Date.now().toString(36);
const clusterId = `query-${RUN}`;
const topics = { source: `query-${RUN}`, copy: `query-copy-${RUN}`, resent: `query-resent-${RUN}` };
const panel = `${clusterId}/${topics.source}`;

/** The records of the source topic written in the last minutes (plus one hours ago, outside 15 minutes). */
const ORDERS = [
  { partition: 0, key: 'order-1', value: '{"status":"paid","amount":120}', headers: { source: 'web' } },
  { partition: 0, key: 'order-2', value: '{"status":"open","amount":80}', headers: { source: 'app' } },
  { partition: 1, key: 'order-3', value: '{"status":"paid","amount":42,"user":{"id":7}}', headers: { source: 'web', trace: 't3' } },
  { partition: 1, key: 'order-4', value: 'plain text, not JSON', headers: {} },
];

const pick = (r: RawRecord) => ({ partition: r.partition, key: r.key.toString('utf8'), value: r.value.toString('utf8'), headers: r.headers.toString('utf8') });
const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);

describe('Message Query panel, driven in the browser', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  let producer: Producer;
  let target: Target;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-query-'));

  const inPanel = (action: WebviewAction) => ui({ panel, ...action });
  const read = async (selector: string, contains?: string) => (await inPanel({ read: selector, contains })).text ?? '';
  const runQuery = async (filter: string, expect: string) => {
    await inPanel({ fill: '#filter', text: filter });
    assert.strictEqual((await inPanel({ inputOf: '#filter' })).text, filter, 'the filter was typed');
    await inPanel({ click: '#run' });
    return read('#summary', expect);
  };

  /** With CKAFKA_QUERY_SCREENSHOTS set to a folder, the README's pictures of the panel, dark and light. */
  const pictures = async () => {
    const dir = process.env.CKAFKA_QUERY_SCREENSHOTS;
    if (!dir) {
      return;
    }
    const workbench = vscode.workspace.getConfiguration('workbench');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    for (const [theme, name] of [['Default Dark Modern', 'query-dark.png'], ['Default Light Modern', 'query-light.png']]) {
      await workbench.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await new Promise((r) => setTimeout(r, 1500));
      await ui({ screenshot: path.resolve(dir, name) });
    }
    await workbench.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
  };

  /** Re-sends the selected rows to the re-send topic, keeping partitions, answering Send: the report and the questions asked. */
  const resendSelected = async (report: string) => {
    const modals = answerModals('Send');
    try {
      const shown = screen.messages.length;
      await inPanel({ click: '#resend' });
      await ui({ pick: topics.resent });
      await ui({ pick: "Keep each record's partition" });
      return { asked: modals.asked, report: await waitFor('the produce report', () => screen.messages.slice(shown).find((m) => m.startsWith(report)), 30_000) };
    } finally {
      modals.restore();
    }
  };

  /** A new panel on the source topic, with the query bar as it first is (nothing left from an earlier test). */
  const freshPanel = async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('ckafka.queryMessages', { clusterId, topic: topics.source });
    await read('#partitions', '1');
  };

  const topicNode = async (): Promise<ExplorerNode> => {
    const children = async (node?: ExplorerNode) => (await api.explorer.getChildren(node)) ?? [];
    const cluster = (await children()).find((n) => n.kind === 'cluster' && n.cluster.id === clusterId);
    assert.ok(cluster, 'the cluster is in the explorer');
    const folderNode = (await children(cluster)).find((n) => n.kind === 'topics');
    assert.ok(folderNode, 'its Topics folder');
    const node = (await children(folderNode)).find((n) => n.kind === 'topic' && 'name' in n && n.name === topics.source);
    assert.ok(node, `topic ${topics.source} is in the explorer`);
    return node;
  };

  before(async function () {
    if (!uiAvailable()) {
      console.log('      skipped: no browser drives this host (only the offline code-server host has one)');
      this.skip();
    }
    api = await activate();
    broker = await startBroker({ users: { [SANDBOX_USER]: SANDBOX_PASSWORD } });
    target = { bootstrap: broker.bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', username: SANDBOX_USER, password: SANDBOX_PASSWORD };
    broker.cluster.topics.create({ name: topics.source, partitions: 2 });
    broker.cluster.topics.create({ name: topics.copy, partitions: 2 });
    broker.cluster.topics.create({ name: topics.resent, partitions: 2 });
    const kafka = new Kafka({ clientId: 'query-test', brokers: broker.brokers, sasl: { mechanism: 'plain', username: SANDBOX_USER, password: SANDBOX_PASSWORD }, logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
    const hoursAgo = String(Date.now() - 3 * 3600_000);
    // Sent apart: kafkajs gives a batch the largest of its records' explicit timestamps as its max timestamp.
    await producer.send({ topic: topics.source, messages: [{ partition: 0, key: 'old-1', value: '{"status":"paid","amount":1}', timestamp: hoursAgo }] });
    await producer.send({
      topic: topics.source,
      messages: [
        ...ORDERS,
        { partition: 1, key: 'bin-1', value: Buffer.from([0, 1, 2, 0xff, 0xfe]), headers: { kind: 'binary', seen: ['a', 'b'] } },
      ],
    });
    await api.clusters.add({ id: clusterId, name: clusterId, bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER }, SANDBOX_PASSWORD);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await producer?.disconnect();
    if (api?.clusters.get(clusterId)) {
      await api.clusters.remove(clusterId);
    }
    await broker?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('opens from a topic node, reads the last 15 minutes, filters by a JSON field and shows a record', async () => {
    await vscode.commands.executeCommand('ckafka.queryMessages', await topicNode());
    await read('#partitions', '1');
    // The default range is the last 15 minutes: the record of three hours ago is not read.
    const all = await runQuery('', 'stopped: the range is done');
    assert.match(all, /Scanned 5 records, 5 matched, 5 kept/);
    assert.match(await read('#counts', '5 rows'), /^5 rows$/);

    // A bad filter is refused before anything is read, with its column.
    await inPanel({ fill: '#filter', text: 'status = ' });
    await inPanel({ click: '#run' });
    assert.match(await read('#error', 'Filter, column'), /Filter, column 10: expected a string, a number, true, false or null, found the end of the filter/);

    const paid = await runQuery('status = "paid" and amount > 100', 'stopped');
    assert.match(paid, /Scanned 5 records, 1 matched, 1 kept/);
    await read('#counts', '1 rows');
    await inPanel({ click: '.tr[data-position="0"]' });
    assert.match(await read('#detail h2', 'Offset'), /Partition 0 · Offset 1/);
    const value = await read('#detailValue', 'status');
    assert.strictEqual(value, JSON.stringify({ status: 'paid', amount: 120 }, null, 2));
    assert.strictEqual(await read('#detailKey', 'order'), 'order-1');
    assert.match(await read('#detailHeaders', 'source'), /source\s*web/);

    // Arrows move through the rows; Enter shows the row under the cursor.
    await runQuery('key contains "order-"', 'stopped');
    await read('#counts', '4 rows');
    await inPanel({ click: '.tr[data-position="0"]' });
    await inPanel({ focus: '#table', key: 'ArrowDown' });
    await inPanel({ focus: '#table', key: 'ArrowDown' });
    await inPanel({ focus: '#table', key: 'Enter' });
    assert.match(await read('#detail h2', 'Partition 1'), /Partition 1 · Offset 0/);
    assert.strictEqual(await read('#detailKey', 'order-3'), 'order-3');
    await pictures();
  });

  it('reads the newest N of a chosen partition and an offset range, sorts newest first, shows bytes as hex, copies a record and opens it in an editor', async () => {
    await freshPanel();
    await inPanel({ select: '#rangeKind', value: 'newest' });
    await inPanel({ fill: '#newestCount', text: '1' });
    await inPanel({ click: '#part1' });
    assert.match(await runQuery('', 'stopped'), /^Scanned 1 records, 1 matched, 1 kept/);
    await inPanel({ click: '.tr[data-position="0"]' });
    assert.strictEqual(await read('#detailKey', 'bin-1'), 'bin-1');
    assert.match(await read('#detailValue', '00000000'), /00000000 {2}00 01 02 ff fe {2}/);
    assert.match(await read('#detailHeaders', 'kind'), /kind\s*binary/);

    await inPanel({ select: '#rangeKind', value: 'offsets' });
    await inPanel({ fill: '#offsetFrom', text: 'one' });
    await inPanel({ click: '#run' });
    assert.match(await read('#error', 'whole number'), /must be a whole number \(found one\)/);
    await inPanel({ fill: '#offsetFrom', text: '1' });
    await inPanel({ fill: '#offsetTo', text: '2' });
    await inPanel({ click: '#partAll' });
    // Offsets 1–2 of both partitions: order-1 and order-2, order-4 and bin-1 (old-1 and order-3 are at 0).
    assert.match(await runQuery('', 'stopped'), /^Scanned 4 records, 4 matched, 4 kept/);
    const keys = async () => {
      const found: string[] = [];
      for (let i = 0; i < 4; i++) {
        found.push(await read(`.tr[data-position="${i}"] .cell.key`, '-'));
      }
      return found;
    };
    assert.deepStrictEqual(await keys(), ['order-1', 'order-2', 'order-4', 'bin-1']);
    await inPanel({ select: '#order', value: 'offset:true' });
    assert.deepStrictEqual(await keys(), ['bin-1', 'order-4', 'order-2', 'order-1']);

    // Spans of single partitions: only those partitions are read, each over its own offsets.
    await inPanel({ fill: '#offsetSpans', text: '1:x' });
    await inPanel({ click: '#run' });
    assert.match(await read('#error', 'partition:from-to'), /Write spans per partition as partition:from-to/);
    await inPanel({ fill: '#offsetSpans', text: '1:0-0' });
    assert.match(await runQuery('', 'stopped'), /^Scanned 1 records, 1 matched, 1 kept/);
    assert.strictEqual(await read('.tr[data-position="0"] .cell.key', '-'), 'order-3');
    await inPanel({ fill: '#offsetSpans', text: '' });
    assert.match(await runQuery('', 'stopped'), /^Scanned 4 records/);

    await inPanel({ click: '.tr[data-position="2"]' });
    await read('#detailKey', 'order-2');
    await vscode.env.clipboard.writeText('');
    await inPanel({ click: '#copyRecord' });
    let copied = '';
    for (let i = 0; i < 100 && copied === ''; i++) {
      await new Promise((r) => setTimeout(r, 100));
      copied = await vscode.env.clipboard.readText();
    }
    const record = JSON.parse(copied) as Record<string, unknown>;
    assert.deepStrictEqual(
      { ...record, timestamp: typeof record.timestamp },
      { topic: topics.source, partition: 0, offset: 2, timestamp: 'string', key: 'order-2', headers: [{ name: 'source', value: 'app' }], size: 45, value: { status: 'open', amount: 80 } },
    );
    await inPanel({ click: '#openEditor' });
    const editor = await waitFor('the record in an editor', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.scheme === 'ckafka' ? active : undefined;
    }, 20_000);
    assert.strictEqual(editor.document.languageId, 'json');
    assert.deepStrictEqual(JSON.parse(editor.document.getText()), record);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    // The results budget ends the scan, and the completeness line says so.
    await inPanel({ fill: '#budgetResults', text: '2' });
    assert.match(await runQuery('', 'stopped'), /2 kept in [\d.]+ s; stopped: the results budget was reached\.$/);
    await read('#counts', '2 rows');
  });

  it('exports to JSON Lines, which Produce Selection as Lines sends to another topic with the same keys, values and headers', async () => {
    await freshPanel();
    await runQuery('key contains "order-"', 'stopped');
    await read('#counts', '4 rows');
    const file = path.join(folder, 'orders.jsonl');
    const window = vscode.window as { showSaveDialog: typeof vscode.window.showSaveDialog };
    const original = window.showSaveDialog;
    const asked: (vscode.SaveDialogOptions | undefined)[] = [];
    window.showSaveDialog = (options) => {
      asked.push(options);
      return Promise.resolve(vscode.Uri.file(file));
    };
    try {
      await inPanel({ click: '#exportJsonl' });
      await waitFor('the export', () => screen.messages.find((m) => m === 'Exported 4 records to orders.jsonl.'), 20_000);
    } finally {
      window.showSaveDialog = original;
    }
    assert.strictEqual(asked.length, 1, 'the save dialog was shown once');
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.strictEqual(lines.length, 4);
    assert.match(lines[0], /^\{"key":"order-1","value":\{"status":"paid","amount":120\},"headers":\{"source":"web"\},"partition":0,"timestamp":\d+\}$/);

    await vscode.workspace.getConfiguration('ckafka.produce').update('format', 'jsonl', vscode.ConfigurationTarget.Global);
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const editor = await vscode.window.showTextDocument(document);
      editor.selection = new vscode.Selection(0, 0, document.lineCount, 0);
      const report = await vscode.commands.executeCommand<{ acknowledged: number } | undefined>('ckafka.produceSelectionAsLines', { clusterId, topic: topics.copy });
      assert.strictEqual(report?.acknowledged, 4);
    } finally {
      await vscode.workspace.getConfiguration('ckafka.produce').update('format', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
    const source = (await readBytesWithKcat(target, topics.source)).filter((r) => r.key.toString().startsWith('order-')).map(pick).sort(byKey);
    const copy = (await readBytesWithKcat(target, topics.copy)).map(pick).sort(byKey);
    assert.strictEqual(source.length, 4);
    assert.deepStrictEqual(copy, source, 'kcat reads the same partitions, keys, values and headers from both topics');
  });

  it('re-sends three selected rows to another topic, keeping their partitions, after a modal naming the count and the target', async () => {
    await freshPanel();
    await runQuery('key contains "order-"', 'stopped');
    await read('#counts', '4 rows');
    await inPanel({ click: '.tr[data-position="0"]' });
    await inPanel({ click: '.tr[data-position="2"]', modifiers: ['Shift'] });
    assert.match(await read('#counts', 'selected'), /4 rows · 3 selected/);
    const first = await resendSelected('Sent 3 messages');
    assert.strictEqual(first.report, `Sent 3 messages to ${clusterId}/${topics.resent}; all acknowledged.`);
    assert.deepStrictEqual(first.asked.map((q) => q.message), [`Send 3 records to ${clusterId}/${topics.resent}?`]);
    const resent = (await readBytesWithKcat(target, topics.resent)).map(pick).sort(byKey);
    const expected = (await readBytesWithKcat(target, topics.source)).filter((r) => ['order-1', 'order-2', 'order-3'].includes(r.key.toString())).map(pick).sort(byKey);
    assert.deepStrictEqual(resent, expected);

    // A value that is not UTF-8 goes out as the same bytes, and a header name found twice keeps both values.
    await runQuery('key = "bin-1"', 'stopped');
    await inPanel({ click: '.tr[data-position="0"]' });
    await resendSelected('Sent to');
    const binary = (await readBytesWithKcat(target, topics.resent)).filter((r) => r.key.toString() === 'bin-1');
    assert.strictEqual(binary.length, 1);
    assert.deepStrictEqual([binary[0].partition, [...binary[0].value], binary[0].headers.toString()], [1, [0, 1, 2, 0xff, 0xfe], 'kind=binary,seen=a,seen=b']);

    // A null header value, which kcat can write and kafkajs cannot: the question says it goes out empty, and it does.
    const { code, stderr } = await kcat(target, ['-P', '-t', topics.source, '-p', '1', '-k', 'nullhdr-1', '-H', 'nul', '-H', 'x=1'], 'v\n');
    assert.strictEqual(code, 0, stderr);
    await runQuery('key = "nullhdr-1"', 'stopped');
    await inPanel({ click: '.tr[data-position="0"]' });
    const third = await resendSelected('Sent to');
    assert.match(third.asked[0]?.detail ?? '', /1 of them have null header values, which go out as empty values/);
    const emptied = (await readBytesWithKcat(target, topics.resent)).filter((r) => r.key.toString() === 'nullhdr-1');
    assert.deepStrictEqual(emptied.map((r) => [r.partition, r.value.toString(), r.headers.toString()]), [[1, 'v', 'nul=,x=1']]);
  });

  it('holds 100,000 results with only the rows in view in the page; End reaches the last one; Cancel stops a scan', async () => {
    const big = `query-big-${RUN}`;
    broker.cluster.topics.create({ name: big, partitions: 1 });
    for (let start = 0; start < 100_000; start += 10_000) {
      await producer.send({ topic: big, messages: Array.from({ length: 10_000 }, (_, i) => ({ key: `k${start + i}`, value: `{"n":${start + i}}` })) });
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('ckafka.queryMessages', { clusterId, topic: big });
    const bigPanel = `${clusterId}/${big}`;
    const inBig = (action: WebviewAction, timeoutMs?: number) => ui({ panel: bigPanel, ...action }, timeoutMs);
    await inBig({ read: '#partitions', contains: '0' });
    await inBig({ fill: '#budgetResults', text: '100000' });
    await inBig({ click: '#run' });
    assert.match((await inBig({ read: '#summary', contains: 'stopped', timeoutMs: 110_000 }, 120_000)).text ?? '', /^Scanned 100,000 records, 100,000 matched, 100,000 kept/);
    await inBig({ read: '#counts', contains: '100,000 rows' });
    const rendered = Number((await inBig({ count: '.tr' })).text);
    assert.ok(rendered > 0 && rendered < 100, `${rendered} rows are in the page`);
    await inBig({ click: '.tr[data-position="0"]' });
    await inBig({ focus: '#table', key: 'End' });
    assert.match((await inBig({ read: '#detail h2', contains: '99999' })).text ?? '', /Partition 0 · Offset 99999/);
    assert.strictEqual((await inBig({ read: '.tr[data-position="99999"] .cell.key', contains: 'k' })).text, 'k99999');
    assert.ok(Number((await inBig({ count: '.tr' })).text) < 100, 'still only the rows in view');

    // With every Fetch answered late, the scan is still running when Cancel is clicked; the line says so.
    const FETCH = 1;
    broker.faults.delay(3000, FETCH);
    try {
      await inBig({ click: '#run' });
      await inBig({ read: '#run', contains: 'Reading' });
      await inBig({ click: '#cancel' });
      const cancelled = (await inBig({ read: '#summary', contains: 'stopped', timeoutMs: 30_000 }, 40_000)).text ?? '';
      assert.match(cancelled, /stopped: cancelled\.$/);
      assert.ok(!/100,000 kept/.test(cancelled), cancelled);
    } finally {
      broker.faults.delay(0, FETCH);
    }
  });

  it('retitles its panel when the cluster is renamed, and closes it when the cluster is removed', async () => {
    const other = `query-gone-${RUN}`;
    await api.clusters.add({ id: other, name: other, bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER }, SANDBOX_PASSWORD);
    await vscode.commands.executeCommand('ckafka.queryMessages', { clusterId: other, topic: topics.source });
    const labels = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    await waitFor('the panel', () => (labels().includes(`${other}/${topics.source} — Messages`) ? true : undefined));
    await api.clusters.update({ ...api.clusters.get(other)!, name: `${other}-renamed` });
    await waitFor('the new title', () => (labels().includes(`${other}-renamed/${topics.source} — Messages`) ? true : undefined));
    await api.clusters.remove(other);
    await waitFor('the panel to close', () => (labels().some((l) => l.startsWith(other)) ? undefined : true));
  });

  it('copies a link to a record, and opening the link shows that record; a link to an unknown cluster is an error', async () => {
    await freshPanel();
    await runQuery('key = "order-4"', 'stopped');
    await inPanel({ click: '.tr[data-position="0"]' });
    await read('#detailKey', 'order-4');
    await vscode.env.clipboard.writeText('');
    await inPanel({ click: '#copyLink' });
    let link = '';
    for (let i = 0; i < 100 && link === ''; i++) {
      await new Promise((r) => setTimeout(r, 100));
      link = await vscode.env.clipboard.readText();
    }
    const uri = vscode.Uri.parse(link);
    assert.strictEqual(uri.authority, 'ckafka-vscode.ckafka-vscode');
    assert.deepStrictEqual(Object.fromEntries(new URLSearchParams(uri.query)), { cluster: clusterId, topic: topics.source, partition: '1', offset: '1' });
    assert.ok(!link.includes(SANDBOX_PASSWORD), 'the link holds no password');

    // A fresh panel: close this one, then open the link as VS Code's Open URL does.
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    void vscode.commands.executeCommand('workbench.action.url.openUrl');
    await ui({ type: link, prompt: 'URL to open' });
    assert.match(await read('#detail h2', 'Offset'), /Partition 1 · Offset 1/);
    assert.strictEqual(await read('#detailKey', 'order-4'), 'order-4');
    assert.strictEqual(await read('#detailValue', 'plain'), 'plain text, not JSON');

    const shown = screen.messages.length;
    void vscode.commands.executeCommand('workbench.action.url.openUrl');
    await ui({ type: link.replace(encodeURIComponent(clusterId), 'no-such-cluster'), prompt: 'URL to open' });
    const error = await waitFor('the unknown cluster error', () => screen.messages.slice(shown).find((m) => m.includes('not configured here')), 20_000);
    assert.match(error, /id no-such-cluster/);
  });
});

/** Runs in every host; the vscode-zh layer runs it in a zh-cn host (its title holds "display language"). */
describe('Message Query panel in the display language', function () {
  this.timeout(120_000);
  const chinese = vscode.env.language === 'zh-cn';
  let api: ExtensionApi;
  let broker: LocalBroker;
  const id = `query-l10n-${RUN}`;
  const topic = 'l10n-query';

  before(async function () {
    if (!uiAvailable()) {
      this.skip();
    }
    api = await activate();
    broker = await startBroker({ users: { [SANDBOX_USER]: SANDBOX_PASSWORD }, topics: [{ name: topic, partitions: 1 }] });
    await api.clusters.add({ id, name: id, bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER }, SANDBOX_PASSWORD);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (api?.clusters.get(id)) {
      await api.clusters.remove(id);
    }
    await broker?.stop();
  });

  it('the panel, its query bar and its completeness line are in the display language', async () => {
    await vscode.commands.executeCommand('ckafka.queryMessages', { clusterId: id, topic });
    const panelId = `${id}/${topic}`;
    const read = async (selector: string, contains?: string) => (await ui({ panel: panelId, read: selector, contains })).text ?? '';
    const title = chinese ? `${id}/${topic} — 消息查询` : `${id}/${topic} — Messages`;
    const labels = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    await waitFor(`a tab titled ${title} (tabs: ${labels().join(', ')})`, () => (labels().includes(title) ? true : undefined), 10_000);
    assert.strictEqual(await read('#run'), chinese ? '查询' : 'Run');
    assert.strictEqual(await read('#rangeKind option'), chinese ? '最近 15 分钟' : 'Last 15 minutes');
    await ui({ panel: panelId, click: '#run' });
    assert.match(await read('#summary', chinese ? '结束原因' : 'stopped'), chinese ? /^已扫描 0 条消息，匹配 0 条，保留 0 条，用时 [\d.]+ 秒；结束原因：范围已读完。$/ : /^Scanned 0 records, 0 matched, 0 kept in [\d.]+ s; stopped: the range is done\.$/);
  });
});
