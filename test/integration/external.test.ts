import * as assert from 'assert';
import { LocalBroker, startBroker } from '../broker';
import { kafkaErrorType } from '../../src/kafka/errors';
import { topicFacts } from '../../src/kafka/produce/send';
import { kafkaFor, localSuite, missingApi, missingMechanism, takeTopicFrom, Target, within } from './env';
import { probeCluster } from './probe';
import { TopicPool } from './topicPool';

/** The broker as an external cluster: no `local`, so the helpers treat it as they treat a CKafka instance. */
function asExternal(local: LocalBroker): Target {
  const [username, password] = Object.entries(local.users)[0];
  return { bootstrap: local.brokers[0], protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', username, password };
}

/** How long `promise` takes to settle, and how. */
async function timed(promise: Promise<unknown>): Promise<{ ms: number; error?: Error }> {
  const started = Date.now();
  try {
    await promise;
    return { ms: Date.now() - started };
  } catch (error) {
    return { ms: Date.now() - started, error: error as Error };
  }
}

localSuite('external mode: pre-made topics, refused topic admin, missing APIs', 'starts brokers of its own to check the helpers of external mode', function () {
  let refusing: LocalBroker;
  let cluster: Target;

  before(async () => {
    refusing = await startBroker({
      brokers: 2,
      refuseTopicAdmin: true,
      topics: [
        { name: 'made-3a', partitions: 3 },
        { name: 'made-3b', partitions: 3 },
        { name: 'made-1a', partitions: 1 },
      ],
    });
    cluster = asExternal(refusing);
    // Records an earlier run left behind.
    const producer = kafkaFor(cluster).producer();
    await producer.connect();
    await producer.send({ topic: 'made-3a', messages: [0, 0, 2, 2, 2, 2, 2].map((partition) => ({ partition, value: 'earlier' })) });
    await producer.disconnect();
  });

  after(async () => refusing?.stop());

  it('takeTopic hands out each pre-made topic once, with the offsets it holds, and creates none', async () => {
    const pool = TopicPool.parse('made-3a:3, made-1a:1, made-3b:3');
    const a = await takeTopicFrom(pool, cluster, 'first', 3);
    assert.deepStrictEqual([a.name, a.earliest, a.start, a.before], ['made-3a', [0, 0, 0], [2, 0, 5], 7]);
    assert.deepStrictEqual([a.at(2, 0), a.isNew(2, 4), a.isNew(2, '5'), a.isNew(1, 0)], [5, false, true, true]);
    assert.deepStrictEqual((await takeTopicFrom(pool, cluster, 'second', 1)).start, [0]);
    assert.strictEqual((await takeTopicFrom(pool, cluster, 'third', 3)).name, 'made-3b');
    await assert.rejects(
      takeTopicFrom(pool, cluster, 'fourth', 3),
      (e: Error) => /no unused topic of 3 partition\(s\) left for "fourth": all 2 listed \(made-3a, made-3b\)/.test(e.message) && /Create more topics of 3 partition\(s\) in the console/.test(e.message),
    );
    await assert.rejects(takeTopicFrom(pool, cluster, 'fifth', 2), /lists no topic of 2 partition\(s\), which "fifth" needs \(it lists 2 of 3 partition\(s\), 1 of 1 partition\(s\)\)/);
    assert.deepStrictEqual(pool.counts(), [
      { partitions: 3, total: 2, taken: 2 },
      { partitions: 1, total: 1, taken: 1 },
    ]);
    const admin = kafkaFor(cluster).admin();
    await admin.connect();
    assert.deepStrictEqual((await admin.listTopics()).sort(), ['made-1a', 'made-3a', 'made-3b']);
    await admin.disconnect();
  });

  it('takeTopic names a listed topic the cluster does not have, or has with another partition count, within seconds', async () => {
    const missing = await timed(takeTopicFrom(TopicPool.parse('made-nowhere:1'), cluster, 'missing', 1));
    assert.match(String(missing.error?.message), /topic made-nowhere of KAFKA_TEST_TOPICS cannot be read on the cluster .*create it in the console with 1 partition\(s\)/);
    const miscounted = await timed(takeTopicFrom(TopicPool.parse('made-1a:3'), cluster, 'miscounted', 3));
    assert.strictEqual(miscounted.error?.message, 'KAFKA_TEST_TOPICS lists made-1a with 3 partition(s), but the cluster reports 1');
    assert.ok(missing.ms < 5000 && miscounted.ms < 5000, `${missing.ms} ms, ${miscounted.ms} ms`);
  });

  it('a test that creates its topic, as against the local broker, fails against a cluster that refuses topic admin', async () => {
    await assert.rejects(takeTopicFrom(undefined, cluster, 'created', 1), (e) => kafkaErrorType(e) === 'POLICY_VIOLATION');
  });

  it('an API the cluster does not implement is named within seconds, and kafkajs fails at once instead of waiting', async () => {
    const lacking = await startBroker({ withoutApis: ['DeleteGroups', 'DescribeConfigs'], topics: [{ name: 't', partitions: 1 }] });
    try {
      const target = asExternal(lacking);
      const asked = await timed(missingApi(target, 'DeleteGroups'));
      assert.ok(asked.ms < 5000 && !asked.error, `${asked.ms} ms ${asked.error?.message ?? ''}`);
      assert.strictEqual(await missingApi(target, 'DeleteGroups'), 'the cluster does not implement DeleteGroups (API key 42)');
      assert.strictEqual(await missingApi(target, 'DescribeConfigs'), 'the cluster does not implement DescribeConfigs (API key 32)');
      assert.strictEqual(await missingApi(target, 'Fetch'), undefined);
      assert.strictEqual(await missingApi(target, 'ListOffsets', 9), 'the cluster implements ListOffsets up to v5; the test needs v9');
      const admin = kafkaFor(target).admin();
      await admin.connect();
      try {
        const failed = await timed(admin.describeConfigs({ resources: [{ type: 2, name: 't' }], includeSynonyms: false }));
        assert.strictEqual(failed.error?.name, 'KafkaJSServerDoesNotSupportApiKey');
        assert.ok(failed.ms < 5000, `${failed.ms} ms`);
        // The extension's produce path goes on with the default limit, and says it assumed it.
        assert.deepStrictEqual(await topicFacts(admin, 't'), { topic: 't', partitionCount: 1, maxMessageBytes: 1_048_576, limitAssumed: true });
      } finally {
        await admin.disconnect();
      }
    } finally {
      await lacking.stop();
    }
  });

  it('a SASL mechanism the cluster does not offer is named', async () => {
    const plainOnly = await startBroker({ mechanisms: ['PLAIN'] });
    try {
      assert.strictEqual(await missingMechanism(asExternal(plainOnly), 'SCRAM-SHA-256'), 'the cluster does not offer SASL SCRAM-SHA-256 (it offers PLAIN)');
      assert.strictEqual(await missingMechanism(asExternal(plainOnly), 'PLAIN'), undefined);
    } finally {
      await plainOnly.stop();
    }
  });

  it('a broker that does not answer gives a clear failure within seconds, not a hang', async () => {
    const silent = await startBroker();
    try {
      silent.faults.delay(60_000, 18);
      const probed = await timed(probeCluster(asExternal(silent), 1500));
      assert.match(String(probed.error?.message), /^127\.0\.0\.1:\d+ did not answer ApiVersions within 1500 ms$/);
      assert.ok(probed.ms < 3000, `${probed.ms} ms`);
      const bounded = await timed(within(1000, 'reading the topic', new Promise(() => undefined)));
      assert.strictEqual(bounded.error?.message, 'reading the topic: no answer within 1 s');
      assert.ok(bounded.ms < 2000, `${bounded.ms} ms`);
    } finally {
      silent.faults.clear();
      await silent.stop();
    }
  });
});
