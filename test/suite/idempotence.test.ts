import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { ProduceReport } from '../../src/kafka/produce/send';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { activate, stubMessages, untitledDocument } from './helpers';

/**
 * Produce Selection with `ckafka.produce.idempotent` against a local broker: a user without IdempotentWrite
 * (InitProducerId refused) still sends, without idempotence, and is told once what that means; after the
 * broker forgot the producer (UNKNOWN_PRODUCER_ID) the next send succeeds. What was written is read from
 * the broker's log, where a batch of an idempotent producer carries its producer id and others carry -1.
 */
const NO_IDEMPOTENT_USER = 'ckafka-sandbox#no-idempotent';
const NO_IDEMPOTENT_PASSWORD = 'no-idempotent-secret';
const RUN = Date.now().toString(36);

describe('Produce Selection and the idempotent producer', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  const ids = { allowed: `idem-${RUN}`, refused: `idem-refused-${RUN}` };
  let topicCount = 0;
  const stubs: { restore: () => void }[] = [];

  const topic = (partitions = 1) => {
    const name = `idem-${RUN}-${topicCount++}`;
    broker.cluster.topics.create({ name, partitions });
    return name;
  };
  /** Producer id and record count of each batch the broker holds for the topic. */
  const batches = (name: string) =>
    (broker.cluster.topics.get(name)?.partitions ?? []).flatMap((p) => p.batches.map((b) => ({ producerId: b.producerId, count: b.lastOffset - b.baseOffset + 1 })));
  const produce = async (clusterId: string, name: string, content: string): Promise<ProduceReport | undefined> => {
    const document = await untitledDocument(content);
    const editor = await vscode.window.showTextDocument(document);
    editor.selections = [new vscode.Selection(0, 0, document.lineCount - 1, document.lineAt(document.lineCount - 1).text.length)];
    try {
      return await vscode.commands.executeCommand<ProduceReport | undefined>('ckafka.produceSelectionAsLines', { clusterId, topic: name });
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  };
  const setting = (value: string | undefined) => vscode.workspace.getConfiguration('ckafka.produce').update('idempotent', value, vscode.ConfigurationTarget.Global);

  before(async () => {
    api = await activate();
    broker = await startBroker({
      users: { [SANDBOX_USER]: SANDBOX_PASSWORD, [NO_IDEMPOTENT_USER]: NO_IDEMPOTENT_PASSWORD },
      acls: { [NO_IDEMPOTENT_USER]: { read: ['*'], write: ['*'], groups: ['*'], idempotentWrite: false } },
    });
    const settings = { bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN' } as const;
    await api.clusters.add({ id: ids.allowed, name: ids.allowed, username: SANDBOX_USER, ...settings }, SANDBOX_PASSWORD);
    await api.clusters.add({ id: ids.refused, name: ids.refused, username: NO_IDEMPOTENT_USER, ...settings }, NO_IDEMPOTENT_PASSWORD);
  });

  afterEach(async () => {
    stubs.splice(0).forEach((s) => s.restore());
    await setting(undefined);
  });

  after(async () => {
    for (const id of Object.values(ids)) {
      await api.sessions.drop(id);
      await api.clusters.remove(id);
    }
    await broker?.stop();
  });

  it('a cluster that refuses InitProducerId: sends without idempotence, and says once what that means', async () => {
    const warnings = stubMessages('showWarningMessage');
    stubs.push(warnings);
    const name = topic();
    const first = await produce(ids.refused, name, 'one\ntwo\nthree');
    assert.strictEqual(first?.acknowledged, 3, JSON.stringify(first));
    assert.deepStrictEqual(
      batches(name).map((b) => b.producerId),
      [-1],
      'written by a producer without a producer id',
    );
    assert.strictEqual(warnings.calls.length, 1, JSON.stringify(warnings.calls));
    const notice = warnings.calls[0].message;
    assert.match(notice, new RegExp(`^${ids.refused} does not allow an idempotent producer \\(InitProducerId was refused: CLUSTER_AUTHORIZATION_FAILED\\)`));
    assert.match(notice, /acks=all but without idempotence/);
    assert.match(notice, /a message may be written twice/);
    assert.match(notice, /IdempotentWrite under ACL 策略管理/);

    const second = await produce(ids.refused, name, 'four');
    assert.strictEqual(second?.acknowledged, 1);
    assert.strictEqual(warnings.calls.length, 1, 'the notice is shown once');
    assert.deepStrictEqual(
      batches(name).map((b) => b.producerId),
      [-1, -1],
    );
  });

  it('"always" sends nothing where InitProducerId is refused, and says why; "Never" (any case) sends without idempotence', async () => {
    const errors = stubMessages('showErrorMessage');
    stubs.push(errors);
    const name = topic();
    await setting('always');
    assert.strictEqual(await produce(ids.refused, name, 'refused'), undefined);
    assert.strictEqual(batches(name).length, 0);
    assert.match(errors.calls[errors.calls.length - 1]?.message ?? '', /refused an idempotent producer \(InitProducerId: CLUSTER_AUTHORIZATION_FAILED\), and ckafka\.produce\.idempotent is "always".*Nothing was sent\./);

    await setting('Never');
    assert.strictEqual((await produce(ids.allowed, name, 'plain'))?.acknowledged, 1);
    assert.deepStrictEqual(
      batches(name).map((b) => b.producerId),
      [-1],
    );

    await setting('sometimes');
    assert.strictEqual(await produce(ids.allowed, name, 'unknown setting'), undefined);
    assert.strictEqual(errors.calls[errors.calls.length - 1]?.message, 'The setting ckafka.produce.idempotent has the unknown value "sometimes"; use auto, always or never. Nothing was sent.');
    assert.strictEqual(batches(name).length, 1, 'nothing more was written');
  });

  it('UNKNOWN_PRODUCER_ID mid-run: that send is reported, and the next send succeeds', async () => {
    const errors = stubMessages('showErrorMessage');
    stubs.push(errors);
    const name = topic();
    const before = await produce(ids.allowed, name, 'a1\na2\na3');
    assert.strictEqual(before?.acknowledged, 3);
    const [firstId] = batches(name).map((b) => b.producerId);
    assert.ok(firstId >= 0, 'idempotent where allowed');

    broker.faults.expireProducers();
    const refused = await produce(ids.allowed, name, 'b1\nb2');
    assert.strictEqual(refused?.acknowledged, 0);
    assert.match(errors.calls[errors.calls.length - 1]?.message ?? '', /^0 of 2 messages were acknowledged by .*; not acknowledged: lines 1-2\./);

    const next = await produce(ids.allowed, name, 'c1\nc2\nc3\nc4');
    assert.strictEqual(next?.acknowledged, 4, JSON.stringify(next?.unacknowledged));
    const written = batches(name);
    assert.deepStrictEqual(
      written.map((b) => b.count),
      [3, 4],
      'the refused batch was not written, the next send was',
    );
    assert.ok(written[1].producerId >= 0 && written[1].producerId !== firstId, `a new idempotent producer: ${written.map((b) => b.producerId).join(', ')}`);
  });
});
