import * as assert from 'assert';
import * as vscode from 'vscode';
import type { StartConsumerArgs } from '../../src/commands/startConsumer';
import type { RunningConsumer } from '../../src/consumers/running';
import type { ExtensionApi } from '../../src/extension';
import { COMPRESSIONS } from '../../src/kafka/codecs';
import type { ProduceReport } from '../../src/kafka/produce/send';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { Target } from '../integration/env';
import { kcat, ONE_BATCH } from '../integration/kcat';
import { activate, untitledDocument, waitFor } from './helpers';
import { screen } from './shown';

/**
 * Compressed topics in the real extension host: records that librdkafka wrote with lz4 and zstd shown by
 * Start Consumer, Produce Selection as Lines with every ckafka.produce.compression value read back by kcat,
 * and a batch that cannot be decoded reported in the channel and skipped from the notification.
 */
const RUN = Date.now().toString(36);
const RECORD = /^Topic:\[[^\]]+\] Partition:\[(\d+)\] Offset:\[(\d+)\] Key:\[(.*?)\] Timestamp:\[[^\]]+\] Value:\[(.*)\]$/;

function shown(consumer: RunningConsumer): string[] {
  return consumer
    .lines()
    .map((l) => RECORD.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}:${m[2]}:${m[3]}:${m[4]}`);
}

describe('compressed topics', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  let target: Target;
  const clusterId = `codecs-${RUN}`;
  let topicCount = 0;

  const newTopic = (partitions = 1) => {
    const name = `codecs-${RUN}-${topicCount++}`;
    broker.cluster.topics.create({ name, partitions });
    return name;
  };
  const storedCodecs = (topic: string) =>
    (broker.cluster.topics.get(topic)?.partitions ?? []).flatMap((p) => p.batches.map((b) => COMPRESSIONS[b.bytes.readInt16BE(21) & 0x07]));
  const startConsumer = async (topic: string) => {
    const id = await vscode.commands.executeCommand<string | undefined>('ckafka.startConsumer', { clusterId, topic, from: 'earliest' } satisfies StartConsumerArgs);
    assert.ok(id, `a consumer started; last messages: ${screen.messages.slice(-3).join(' | ')}`);
    const consumer = api.consumers.get(id);
    assert.ok(consumer);
    return consumer;
  };
  const setCompression = (value: string | undefined) => vscode.workspace.getConfiguration('ckafka.produce').update('compression', value, vscode.ConfigurationTarget.Global);

  before(async () => {
    api = await activate();
    broker = await startBroker({ users: { [SANDBOX_USER]: SANDBOX_PASSWORD } });
    target = { bootstrap: broker.bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', username: SANDBOX_USER, password: SANDBOX_PASSWORD };
    await api.clusters.add(
      { id: clusterId, name: clusterId, bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER },
      SANDBOX_PASSWORD,
    );
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('ckafka.stopAllConsumers');
    await setCompression(undefined);
  });

  after(async () => {
    await api.sessions.drop(clusterId);
    await api.clusters.remove(clusterId);
    await broker.stop();
  });

  it('Start Consumer from earliest shows every record of a topic kcat wrote with lz4 and with zstd', async () => {
    const topic = newTopic(2);
    const expected: string[] = [];
    for (const codec of ['lz4', 'zstd', 'lz4', 'zstd']) {
      const partition = expected.length % 2;
      const lines = Array.from({ length: 500 }, (_, i) => `${codec}-${expected.length + i}\t{"orderId":${1234567890123456789n + BigInt(expected.length + i)},"codec":"${codec}"}`);
      const { code, stderr } = await kcat(target, ['-P', '-t', topic, '-p', String(partition), '-z', codec, '-K', '\t', ...ONE_BATCH], lines.join('\n') + '\n');
      assert.strictEqual(code, 0, stderr);
      expected.push(...lines.map((l) => `${partition}:${l.replace('\t', ':')}`));
    }
    assert.deepStrictEqual([...new Set(storedCodecs(topic))].sort(), ['lz4', 'zstd']);
    const consumer = await startConsumer(topic);
    const lines = await waitFor('2,000 records in the channel', () => (shown(consumer).length >= 2000 ? shown(consumer) : undefined), 30_000);
    const withoutOffsets = lines.map((l) => l.replace(/^(\d+):\d+:/, '$1:'));
    assert.deepStrictEqual([...withoutOffsets].sort(), [...expected].sort());
    assert.ok(!consumer.lines().some((l) => /Connection lost|cannot be decoded/.test(l)), consumer.lines().slice(0, 5).join('\n'));
  });

  for (const codec of COMPRESSIONS) {
    it(`Produce Selection as Lines with ckafka.produce.compression = ${codec}: kcat reads back every line`, async () => {
      const topic = newTopic(3);
      await setCompression(codec);
      const content = Array.from({ length: 2000 }, (_, i) => `line ${i} {"orderId":${1234567890123456789n + BigInt(i)},"codec":"${codec}"} 你好`).join('\n');
      const document = await untitledDocument(content);
      const editor = await vscode.window.showTextDocument(document);
      editor.selection = new vscode.Selection(0, 0, document.lineCount, 0);
      const report = await vscode.commands.executeCommand<ProduceReport | undefined>('ckafka.produceSelectionAsLines', { clusterId, topic });
      assert.strictEqual(report?.acknowledged, 2000, screen.messages.slice(-2).join(' | '));
      assert.deepStrictEqual([...new Set(storedCodecs(topic))], [codec]);
      const { code, stdout, stderr } = await kcat(target, ['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\n'], undefined, 60_000);
      assert.strictEqual(code, 0, stderr);
      assert.deepStrictEqual(
        stdout
          .split('\n')
          .filter((l) => l !== '')
          .sort(),
        content.split('\n').sort(),
      );
    });
  }

  it('an unknown ckafka.produce.compression value is an error naming the setting, and nothing is sent', async () => {
    const topic = newTopic();
    await setCompression('brotli');
    const document = await untitledDocument('one\ntwo');
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, 1, 3);
    assert.strictEqual(await vscode.commands.executeCommand('ckafka.produceSelectionAsLines', { clusterId, topic }), undefined);
    assert.match(screen.messages[screen.messages.length - 1] ?? '', /ckafka\.produce\.compression.*"brotli".*Nothing was sent/);
    assert.strictEqual(broker.cluster.topics.get(topic)?.partitions[0].nextOffset, 0);
  });

  it('a batch that cannot be decoded is reported in the channel and the notification, and Skip Batch reads on after it', async () => {
    const topic = newTopic(2);
    const send = async (partition: number, prefix: string, codec: string) => {
      const lines = Array.from({ length: 20 }, (_, i) => `${prefix}-${i} ${'x'.repeat(50)}`);
      const { code, stderr } = await kcat(target, ['-P', '-t', topic, '-p', String(partition), '-z', codec, ...ONE_BATCH], lines.join('\n') + '\n');
      assert.strictEqual(code, 0, stderr);
    };
    await send(0, 'before', 'none');
    await send(0, 'bad', 'lz4');
    await send(0, 'after', 'none');
    await send(1, 'other', 'none');
    const bad = broker.cluster.topics.get(topic)?.partitions[0].batches.find((b) => (b.bytes.readInt16BE(21) & 0x07) === 3);
    assert.ok(bad, 'kcat wrote an lz4 batch');
    bad.bytes.fill(0x5a, 61 + 4, bad.bytes.length - 4);
    await vscode.commands.executeCommand('notifications.clearAll');
    const consumer = await startConsumer(topic);
    const report = `Partition 0: the record batch at offsets ${bad.baseOffset}–${bad.lastOffset} cannot be decoded (lz4:`;
    await waitFor('the report in the channel', () => consumer.lines().find((l) => l.includes(report)), 5000);
    await waitFor('the other partition and the records before the batch', () => (shown(consumer).length === 40 ? true : undefined), 5000);
    assert.ok(shown(consumer).every((l) => /^1:\d+::other-|^0:\d+::before-/.test(l)), shown(consumer).join('\n'));
    const notification = `${topic}, partition 0: the record batch at offsets ${bad.baseOffset}–${bad.lastOffset} cannot be decoded`;
    await waitFor('the notification', () => screen.messages.find((m) => m.startsWith(notification)));
    // Skip Batch is the notification's first action: accept it through the workbench, as a keyboard user would.
    await vscode.commands.executeCommand('notifications.focusFirstToast');
    await vscode.commands.executeCommand('notification.acceptPrimaryAction');
    await waitFor('the records after the batch', () => (shown(consumer).length === 60 ? true : undefined), 10_000);
    assert.ok(shown(consumer).slice(40).every((l) => /^0:\d+::after-/.test(l)), shown(consumer).join('\n'));
    assert.ok(consumer.lines().some((l) => l.includes(`Partition 0: skipped offsets ${bad.baseOffset}–${bad.lastOffset}; reading on from offset ${bad.lastOffset + 1}.`)));
    assert.strictEqual(consumer.lines().filter((l) => l.includes('cannot be decoded')).length, 1);
    assert.ok(!consumer.lines().some((l) => l.includes('Connection lost')));
  });
});
