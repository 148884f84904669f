import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { kafkaFor } from '../integration/env';
import { activate, waitFor } from './helpers';

/**
 * `ckafka.consumer.maxBytes` reaches a running consumer's channel: with 1 MiB (its smallest value) and
 * 3 MB of records, the channel keeps the newest lines within 1 MiB, counted at 2 bytes per UTF-16 code unit,
 * under a note naming both limits; maxLines (10,000) is never reached.
 */
const RUN = Date.now().toString(36);
const MAX_BYTES = 1_048_576;

describe('a consumer channel bounded by ckafka.consumer.maxBytes', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  const clusterId = `bytes-${RUN}`;
  const topic = `bytes-${RUN}`;
  const config = () => vscode.workspace.getConfiguration('ckafka.consumer');

  before(async () => {
    api = await activate();
    broker = await startBroker({ users: { [SANDBOX_USER]: SANDBOX_PASSWORD } });
    const kafka = kafkaFor({ bootstrap: broker.bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', username: SANDBOX_USER, password: SANDBOX_PASSWORD });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    // 1,500 records of 1,000 characters: about 1.5 million characters of channel lines, 3 MB.
    for (let batch = 0; batch < 15; batch++) {
      await producer.send({ topic, messages: Array.from({ length: 100 }, (_, i) => ({ value: `${String(batch * 100 + i).padStart(4, '0')}${'v'.repeat(996)}` })) });
    }
    await producer.disconnect();
    await api.clusters.add({ id: clusterId, name: clusterId, bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER }, SANDBOX_PASSWORD);
  });

  after(async () => {
    await vscode.commands.executeCommand('ckafka.stopAllConsumers');
    await config().update('maxBytes', undefined, vscode.ConfigurationTarget.Global);
    await api.sessions.drop(clusterId);
    await api.clusters.remove(clusterId);
    await broker?.stop();
  });

  it('keeps the newest lines within maxBytes, under a note naming both limits', async () => {
    await config().update('maxBytes', MAX_BYTES, vscode.ConfigurationTarget.Global);
    const id = await vscode.commands.executeCommand<string | undefined>('ckafka.startConsumer', { clusterId, topic, from: 'earliest' });
    assert.ok(id, 'the consumer started');
    const consumer = api.consumers.get(id);
    assert.ok(consumer);
    const lines = await waitFor('the last record in the channel', () => (consumer.lines().some((l) => l.includes('Value:[1499v')) ? consumer.lines() : undefined), 60_000);
    const bytes = lines.reduce((n, l) => n + (l.length + 1) * 2, 0);
    assert.ok(bytes <= MAX_BYTES, `${bytes} bytes in the channel`);
    assert.ok(bytes > MAX_BYTES / 2, `the channel is not emptied: ${bytes} bytes`);
    assert.match(lines[0], /older lines were dropped to keep this channel within ckafka\.consumer\.maxLines \(10000 lines\) and ckafka\.consumer\.maxBytes \(1048576 bytes\)\.$/);
    const values = lines.map((l) => /Value:\[(\d{4})v/.exec(l)?.[1]).filter((v): v is string => v !== undefined);
    assert.strictEqual(values[values.length - 1], '1499', 'the newest record is kept');
    assert.deepStrictEqual(
      values,
      values.map((_, i) => String(1500 - values.length + i).padStart(4, '0')),
      'the newest records, in order, without a gap',
    );
  });
});
