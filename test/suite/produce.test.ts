import * as assert from 'assert';
import { Partitioners } from 'kafkajs';
import { monitorEventLoopDelay } from 'perf_hooks';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { ProduceReport } from '../../src/kafka/produce/send';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { Target } from '../integration/env';
import { kcat } from '../integration/kcat';
import { activate, untitledDocument, waitFor } from './helpers';
import { readBack, readBytesWithKcat, readWithKafkajs } from './readback';
import { screen } from './shown';

const LIMITED_USER = 'ckafka-sandbox#produce-limited';
const LIMITED_PASSWORD = 'limited-produce-secret';
const RUN = Date.now().toString(36);

describe('Produce Selection', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  let target: Target;
  const clusterId = `produce-${RUN}`;
  const limitedId = `produce-limited-${RUN}`;
  let topicCount = 0;

  /** A fresh topic on the local broker for one test. */
  const topic = (partitions = 1): string => {
    const name = `produce-${RUN}-${topicCount++}`;
    broker.cluster.topics.create({ name, partitions });
    return name;
  };
  const endOffset = (name: string) => broker.cluster.topics.get(name)?.partitions.reduce((n, p) => n + p.nextOffset, 0);

  /** Opens `content` in an editor and selects the given [line, character] ranges (0-based). */
  const editorWith = async (content: string, ...ranges: [number, number, number, number][]): Promise<vscode.TextEditor> => {
    const document = await untitledDocument(content);
    const editor = await vscode.window.showTextDocument(document);
    editor.selections = ranges.length > 0 ? ranges.map(([a, b, c, d]) => new vscode.Selection(a, b, c, d)) : [new vscode.Selection(0, 0, 0, 0)];
    return editor;
  };
  const produce = (command: 'ckafka.produceSelection' | 'ckafka.produceSelectionAsLines', topicName: string, extra: object = {}) =>
    vscode.commands.executeCommand<ProduceReport | undefined>(command, { clusterId, topic: topicName, ...extra });
  const setting = (name: string, value: unknown) => vscode.workspace.getConfiguration('ckafka.produce').update(name, value, vscode.ConfigurationTarget.Global);
  const lastMessage = () => screen.messages[screen.messages.length - 1] ?? '';

  before(async () => {
    api = await activate();
    broker = await startBroker({
      users: { [SANDBOX_USER]: SANDBOX_PASSWORD, [LIMITED_USER]: LIMITED_PASSWORD },
      acls: { [LIMITED_USER]: { read: ['*'], write: ['allowed-*'] } },
    });
    target = { bootstrap: broker.bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', username: SANDBOX_USER, password: SANDBOX_PASSWORD };
    const settings = { bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN' } as const;
    await api.clusters.add({ id: clusterId, name: clusterId, username: SANDBOX_USER, ...settings }, SANDBOX_PASSWORD);
    await api.clusters.add({ id: limitedId, name: limitedId, username: LIMITED_USER, ...settings }, LIMITED_PASSWORD);
  });

  /** Runs a QuickInput command (accept, close) until the command under test has settled. */
  const answer = async <T>(pending: Thenable<T>, command: string): Promise<T> => {
    let settled = false;
    const done = () => (settled = true);
    pending.then(done, done);
    for (let i = 0; i < 100 && !settled; i++) {
      await vscode.commands.executeCommand(command);
      await new Promise((r) => setTimeout(r, 100));
    }
    return pending;
  };

  afterEach(async () => {
    await setting('format', undefined);
    await setting('keySeparator', undefined);
    while (vscode.window.activeTextEditor) {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  after(async () => {
    await api.clusters.remove(clusterId);
    await api.clusters.remove(limitedId);
    await broker.stop();
  });

  it('sends one selection as one message and reports its partition and offset', async () => {
    const name = topic(3);
    await editorWith('first line\nhello world, the selected part\nlast', [1, 0, 1, 11]);
    const report = await produce('ckafka.produceSelection', name);
    assert.strictEqual(report?.acknowledged, 1);
    const records = await readBack(target, name);
    assert.deepStrictEqual(
      records.map((r) => [r.key, r.value]),
      [[null, 'hello world']],
    );
    assert.strictEqual(lastMessage(), `Sent to ${clusterId}/${name}: partition ${records[0].partition}, offset 0`);
  });

  it('sends each multi-cursor selection as one message, in document order', async () => {
    const name = topic(1);
    await editorWith('alpha\nbeta\ngamma\ndelta', [2, 0, 2, 5], [0, 0, 0, 5], [3, 1, 3, 5]);
    const report = await produce('ckafka.produceSelection', name);
    assert.strictEqual(report?.acknowledged, 3);
    const records = await readBack(target, name);
    assert.deepStrictEqual(
      records.map((r) => [r.offset, r.value]),
      [
        [0, 'alpha'],
        [1, 'gamma'],
        [2, 'elta'],
      ],
    );
  });

  it('sends each non-empty line as one message, with keys split at the key separator', async () => {
    const name = topic(3);
    await setting('keySeparator', ':');
    await editorWith('header\nk1:v1\n\nk2:v2:with colon\n   \nno separator\nk1:v3\n', [1, 0, 7, 0]);
    const report = await produce('ckafka.produceSelectionAsLines', name);
    assert.strictEqual(report?.acknowledged, 4);
    const records = await readBack(target, name);
    const partitionOf = Partitioners.DefaultPartitioner();
    const metadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [], isr: [] }));
    const expectedPartition = (key: string) => partitionOf({ topic: name, partitionMetadata: metadata, message: { key, value: null } });
    const seen = records.map((r) => [r.key, r.value]).sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    assert.deepStrictEqual(seen, [
      [null, 'no separator'],
      ['k1', 'v1'],
      ['k2', 'v2:with colon'],
      ['k1', 'v3'],
    ]);
    for (const r of records.filter((r) => r.key !== null)) {
      assert.strictEqual(r.partition, expectedPartition(r.key as string), `key ${r.key} lands where the Java partitioner puts it`);
    }
    const k1 = records.filter((r) => r.key === 'k1');
    assert.deepStrictEqual(
      k1.map((r) => r.value),
      ['v1', 'v3'],
      'one key keeps its order',
    );
  });

  it('honours key, headers, partition and JSON values of JSON Lines', async () => {
    const name = topic(3);
    await setting('format', 'jsonl');
    const lines = [
      '{"key":"user-1","value":"signed in","headers":{"source":"web","trace":"t1"},"partition":2}',
      '{"value":{"amount":12.5,"items":["键盘"]},"partition":0}',
      '{"key":42,"value":"numeric key","partition":1}',
    ];
    await editorWith(lines.join('\n'), [0, 0, 2, lines[2].length]);
    const report = await produce('ckafka.produceSelectionAsLines', name);
    assert.strictEqual(report?.acknowledged, 3);
    const records = await readBack(target, name);
    assert.deepStrictEqual(records, [
      { partition: 0, offset: 0, key: null, value: '{"amount":12.5,"items":["键盘"]}', headers: {} },
      { partition: 1, offset: 0, key: '42', value: 'numeric key', headers: {} },
      { partition: 2, offset: 0, key: 'user-1', value: 'signed in', headers: { source: 'web', trace: 't1' } },
    ]);
  });

  it('sends JSON Lines values, keys and header values exactly as written, read back by kcat byte for byte', async () => {
    const bigKey = '12345678901234567890';
    // The partition librdkafka's Java-compatible partitioner (murmur2) gives a key: kcat writes it to a topic of five.
    const reference = topic(5);
    const written = await kcat(target, ['-P', '-t', reference, '-K', '\t', '-X', 'partitioner=murmur2_random'], `${bigKey}\texact\n12345678901234567000\trounded\n`);
    assert.strictEqual(written.code, 0, written.stderr);
    const javaPartition = new Map((await readBytesWithKcat(target, reference)).map((r) => [r.key.toString(), r.partition]));
    assert.notStrictEqual(javaPartition.get(bigKey), javaPartition.get('12345678901234567000'), 'the rounded key would land elsewhere, so the check below means something');

    const name = topic(5);
    await setting('format', 'jsonl');
    const lines = [
      `{"key":${bigKey},"value":{"orderId":1234567890123456789,"price":1.10}}`,
      '{"value":1e400,"partition":0}',
      '{"value":-0,"partition":0}',
      '{"value":"\\u00e9","partition":0}',
      '{"key":[0, -0],"value":[[1, [2.50, []]],\t[[-0.0E+00]], {"a" : ["\\u00e9"]}],"partition":0,"headers":{"n":1.10,"s":"\\u00e9"}}',
    ];
    await editorWith(lines.join('\n'), [0, 0, lines.length - 1, lines[lines.length - 1].length]);
    const report = await produce('ckafka.produceSelectionAsLines', name);
    assert.strictEqual(report?.acknowledged, lines.length);
    // Bytes shown one character per byte (latin1): an exact comparison that still reads well when it fails.
    const bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    const read = await readBytesWithKcat(target, name);
    assert.deepStrictEqual(
      read.map((r) => [r.partition, r.offset, r.key.toString('latin1'), r.headers.toString('latin1'), r.value.toString('latin1')]),
      [
        [0, 0, bytes(''), bytes(''), bytes('1e400')],
        [0, 1, bytes(''), bytes(''), bytes('-0')],
        [0, 2, bytes(''), bytes(''), '\xc3\xa9'],
        [0, 3, bytes('[0, -0]'), bytes('n=1.10,s=é'), bytes('[[1, [2.50, []]],\t[[-0.0E+00]], {"a" : ["\\u00e9"]}]')],
        [javaPartition.get(bigKey), 0, bytes(bigKey), bytes(''), bytes('{"orderId":1234567890123456789,"price":1.10}')],
      ],
    );
  });

  it('sends 100,000 lines, every one acknowledged and read back exactly once', async () => {
    const name = topic(3);
    const count = 100_000;
    const content = Array.from({ length: count }, (_, i) => `line ${i + 1} ${'x'.repeat(80)}`).join('\n');
    await editorWith(content, [0, 0, count - 1, 200]);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const report = await produce('ckafka.produceSelectionAsLines', name);
    delay.disable();
    console.log(`      longest event-loop delay while sending: ${(delay.max / 1e6).toFixed(0)} ms (a figure, not an assertion)`);
    assert.strictEqual(report?.acknowledged, count);
    assert.strictEqual(report?.unacknowledged.length, 0);
    assert.strictEqual(
      report?.partitions.reduce((n, p) => n + p.count, 0),
      count,
    );
    const records = await readBack(target, name);
    assert.strictEqual(records.length, count);
    const numbers = records.map((r) => Number(r.value.split(' ')[1]));
    assert.deepStrictEqual(
      [...numbers].sort((a, b) => a - b),
      Array.from({ length: count }, (_, i) => i + 1),
    );
    for (const p of [0, 1, 2]) {
      const inPartition = records.filter((r) => r.partition === p).map((r) => Number(r.value.split(' ')[1]));
      assert.ok(
        inPartition.every((n, i) => i === 0 || n > inPartition[i - 1]),
        `partition ${p} holds its lines in document order`,
      );
    }
    assert.strictEqual(lastMessage(), `Sent ${count} messages to ${clusterId}/${name}; all acknowledged.`);
  });

  it('keeps Chinese and other multi-byte text byte for byte', async () => {
    const name = topic(1);
    const text = '你好，世界！订单 🚀 キー ü';
    await editorWith(`${text}\n第二行`, [0, 0, 1, 3]);
    const report = await produce('ckafka.produceSelectionAsLines', name);
    assert.strictEqual(report?.acknowledged, 2);
    const records = await readBack(target, name);
    assert.deepStrictEqual(
      records.map((r) => r.value),
      [text, '第二行'],
    );
  });

  it('asks before sending when nothing is selected, and sends nothing when dismissed', async () => {
    const name = topic(1);
    const editor = await editorWith('line one\nline two\nline three');
    editor.selections = [new vscode.Selection(1, 3, 1, 3)];
    const asked = screen.prompts.length;
    const dismissed = produce('ckafka.produceSelection', name);
    await waitFor('the question', () => (screen.prompts.length > asked ? true : undefined));
    assert.strictEqual(await answer(dismissed, 'workbench.action.closeQuickOpen'), undefined);
    assert.strictEqual(endOffset(name), 0, 'nothing was sent');

    const answered = produce('ckafka.produceSelection', name);
    await waitFor('the question again', () => (screen.prompts.length > asked + 1 ? true : undefined));
    assert.strictEqual((await answer(answered, 'workbench.action.acceptSelectedQuickOpenItem'))?.acknowledged, 1);
    const records = await readBack(target, name);
    assert.deepStrictEqual(
      records.map((r) => r.value),
      ['line two'],
    );
  });

  it('refuses an unknown topic with a clear error, sends nothing and creates nothing', async () => {
    const name = `missing-${RUN}`;
    await editorWith('payload', [0, 0, 0, 7]);
    assert.strictEqual(await produce('ckafka.produceSelection', name), undefined);
    assert.match(lastMessage(), new RegExp(`Topic ${clusterId}/${name} does not exist.*Nothing was sent\\.`));
    assert.strictEqual(broker.cluster.topics.get(name), undefined, 'the topic was not auto-created');
  });

  it('refuses an oversized line with its line number and sends nothing', async () => {
    const name = topic(1);
    await editorWith(['small', 'fine', 'y'.repeat(1_100_000), 'after'].join('\n'), [0, 0, 3, 5]);
    assert.strictEqual(await produce('ckafka.produceSelectionAsLines', name), undefined);
    assert.match(lastMessage(), /^Line 3: the message is too large: \d+\/1048576 bytes.*Nothing was sent\.$/);
    assert.strictEqual(endOffset(name), 0);
  });

  it('refuses invalid JSON Lines with the line number and sends nothing', async () => {
    const name = topic(1);
    await setting('format', 'jsonl');
    await editorWith(['{"value":"ok"}', '', '{"value": "missing brace"', '{"value":"fine"}'].join('\n'), [0, 0, 3, 16]);
    assert.strictEqual(await produce('ckafka.produceSelectionAsLines', name), undefined);
    assert.match(lastMessage(), /^Line 3: not valid JSON .* Nothing was sent\.$/);
    assert.strictEqual(endOffset(name), 0);
  });

  it('names the ACL policy page when the user may not write to the topic', async () => {
    const name = topic(1);
    await editorWith('denied', [0, 0, 0, 6]);
    const report = await vscode.commands.executeCommand<ProduceReport>('ckafka.produceSelection', { clusterId: limitedId, topic: name });
    assert.strictEqual(report.acknowledged, 0);
    assert.match(lastMessage(), /0 of 1 messages were acknowledged.*not acknowledged: lines 1\. .*ACL 策略管理/);
    assert.strictEqual(endOffset(name), 0);
  });

  it('reports exactly the acknowledged count when the broker stops mid-batch', async () => {
    const name = topic(1);
    const count = 60_000;
    await editorWith(Array.from({ length: count }, (_, i) => `record ${i + 1}`).join('\n'), [0, 0, count - 1, 20]);
    const sending = produce('ckafka.produceSelectionAsLines', name);
    await waitFor('the first acknowledged batches', () => ((endOffset(name) ?? 0) >= 5000 ? true : undefined), 60_000);
    await broker.faults.stopBroker(0);
    const report = await sending;
    await broker.faults.startBroker(0);
    assert.ok(report, 'the command reports what happened');
    assert.ok(report.acknowledged > 0 && report.acknowledged < count, `acknowledged ${report.acknowledged}`);
    const notAcknowledged = report.unacknowledged.reduce((n, u) => n + u.lines.length, 0);
    assert.strictEqual(report.acknowledged + notAcknowledged, count, 'every line is either acknowledged or reported');
    const records = await readWithKafkajs(target, name);
    assert.strictEqual(records.length, report.acknowledged, 'what was reported acknowledged is exactly what is on the topic');
    assert.deepStrictEqual(
      records.map((r) => r.value),
      Array.from({ length: report.acknowledged }, (_, i) => `record ${i + 1}`),
    );
    assert.match(lastMessage(), new RegExp(`^${report.acknowledged} of ${count} messages were acknowledged`));
  });
});
