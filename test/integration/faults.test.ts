import * as assert from 'assert';
import * as net from 'net';
import { ConfigResourceTypes } from 'kafkajs';
import { ErrorCode, SANDBOX_PASSWORD, SANDBOX_USER } from '../broker';
import { kafkaErrorType } from '../../src/kafka/errors';
import { kafkaFor, localOnly, requireApi, skipBecause, startTarget, takeTopic, Target, uniqueTopic, waitUntil } from './env';
import { kcat } from './kcat';

describe('CKafka behaviour and injected faults', function () {
  let target: Target;

  before(async () => {
    target = await startTarget({
      brokers: 2,
      // Not CKafka's 1 MiB: the size test must read the limit from the cluster, not assume it.
      maxMessageBytes: 600_000,
      users: { [SANDBOX_USER]: SANDBOX_PASSWORD, 'ckafka-sandbox#reader': 'reader-secret' },
      acls: { 'ckafka-sandbox#reader': { read: ['open-*'], write: ['open-*'], groups: ['open-*'] } },
      topics: [
        { name: 'open-topic', partitions: 1 },
        { name: 'secret-topic', partitions: 1 },
      ],
    });
  });

  after(async () => target?.local?.stop());

  it('answers an unknown topic with UNKNOWN_TOPIC_OR_PARTITION and never creates it', async function () {
    await requireApi(this, target, 'DescribeConfigs');
    const admin = kafkaFor(target).admin();
    await admin.connect();
    try {
      // Whether the cluster auto-creates topics is its own setting: read it, and never create one where it does.
      const brokerId = String((await admin.describeCluster()).brokers[0].nodeId);
      const described = await admin
        .describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: brokerId, configNames: ['auto.create.topics.enable'] }], includeSynonyms: false })
        .catch((e: unknown) => skipBecause(this, `the cluster does not let this user read broker ${brokerId}'s auto.create.topics.enable (${(e as Error).message})`));
      const autoCreate = described.resources[0]?.configEntries.find((c) => c.configName === 'auto.create.topics.enable')?.configValue;
      if (autoCreate !== 'false') {
        skipBecause(this, `the cluster's auto.create.topics.enable is ${autoCreate ?? 'not reported'}: a send to an unknown topic would create it`);
      }
      const topic = uniqueTopic('no-such-topic');
      const producer = kafkaFor(target, { retry: { retries: 1, initialRetryTime: 50 } }).producer({ allowAutoTopicCreation: true });
      await producer.connect();
      await assert.rejects(producer.send({ topic, messages: [{ value: 'x' }] }), (e) => kafkaErrorType(e) === 'UNKNOWN_TOPIC_OR_PARTITION');
      await producer.disconnect();
      assert.ok(!(await admin.listTopics()).includes(topic));
    } finally {
      await admin.disconnect();
    }
  });

  it("answers a record over the topic's max.message.bytes (read from the cluster) with MESSAGE_TOO_LARGE", async function () {
    await requireApi(this, target, 'DescribeConfigs');
    const topic = await takeTopic(target, 'too-large', 1);
    const admin = kafkaFor(target).admin();
    await admin.connect();
    const configs = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic.name, configNames: ['max.message.bytes'] }], includeSynonyms: false });
    await admin.disconnect();
    const limit = Number(configs.resources[0].configEntries.find((c) => c.configName === 'max.message.bytes')?.configValue);
    assert.ok(Number.isInteger(limit) && limit > 1024, `max.message.bytes of ${topic.name}: ${limit}`);
    const producer = kafkaFor(target, { retry: { retries: 0 } }).producer();
    await producer.connect();
    try {
      // A batch of one record is the record plus under 100 bytes of framing.
      const [fits] = await producer.send({ topic: topic.name, messages: [{ value: Buffer.alloc(limit - 200, 97) }] });
      assert.strictEqual(Number(fits.baseOffset), topic.at(0, 0), 'a record just under the limit is written');
      await assert.rejects(producer.send({ topic: topic.name, messages: [{ value: Buffer.alloc(limit + 10, 97) }] }), (e) => kafkaErrorType(e) === 'MESSAGE_TOO_LARGE');
    } finally {
      await producer.disconnect();
    }
  });

  it('answers an ACL-denied topic with TOPIC_AUTHORIZATION_FAILED', async function () {
    const local = localOnly(this, target, 'the users and ACLs are configured on the local broker');
    const reader = { ...target, username: 'ckafka-sandbox#reader', password: local.users['ckafka-sandbox#reader'] };
    const producer = kafkaFor(reader, { retry: { retries: 0 } }).producer();
    await producer.connect();
    await producer.send({ topic: 'open-topic', messages: [{ value: 'allowed' }] });
    await assert.rejects(producer.send({ topic: 'secret-topic', messages: [{ value: 'denied' }] }), (e) => kafkaErrorType(e) === 'TOPIC_AUTHORIZATION_FAILED');
    await producer.disconnect();
    // kafkajs swallows FindCoordinator's GROUP_AUTHORIZATION_FAILED (it tries the next broker), so the
    // group check is proven with librdkafka, which reports it as it comes.
    const denied = await kcat(reader, ['-G', 'secret-group', '-e', 'open-topic'], undefined, 4000);
    assert.match(denied.stderr, /Group authorization failed|GROUP_AUTHORIZATION_FAILED/i);
    const allowed = await kcat(reader, ['-G', 'open-group', '-X', 'auto.offset.reset=earliest', '-e', 'open-topic'], undefined, 30_000);
    assert.strictEqual(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /allowed/);
    const { stderr } = await kcat(reader, ['-C', '-t', 'secret-topic', '-e', '-o', 'beginning'], undefined, 15_000);
    assert.match(stderr, /Topic authorization failed|TOPIC_AUTHORIZATION_FAILED/i);
  });

  it('answers injected errors, then recovers', async function () {
    const local = localOnly(this, target, "injects errors into the local broker's answers");
    local.faults.failNext(0, 2, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const producer = kafkaFor(target, { retry: { retries: 5, initialRetryTime: 50 } }).producer();
    await producer.connect();
    const [result] = await producer.send({ topic: 'open-topic', acks: -1, messages: [{ value: 'after-retry' }] });
    assert.strictEqual(result.errorCode, 0);
    await producer.disconnect();
  });

  it('keeps a consumer reading with no gap across a broker restart', async function () {
    const local = localOnly(this, target, 'restarts a broker');
    const topic = (await takeTopic(target, 'restart', 2)).name;
    const kafka = kafkaFor(target, { retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } });
    const producer = kafka.producer();
    await producer.connect();
    const seen: number[] = [];
    const consumer = kafka.consumer({ groupId: uniqueTopic('g'), sessionTimeout: 6000, heartbeatInterval: 300 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(Number(message.value)) });
    await producer.send({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ value: `${i}`, partition: i % 2 })) });
    await waitUntil(() => seen.length >= 50, 'the first 50 records arrive');
    await local.faults.restartBroker(0, 1000);
    local.faults.dropConnections();
    await producer.send({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ value: `${50 + i}`, partition: i % 2 })) });
    await waitUntil(() => new Set(seen).size >= 100, 'the next 50 records arrive after the restart', 30_000);
    await consumer.disconnect();
    await producer.disconnect();
    assert.deepStrictEqual(
      [...new Set(seen)].sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i),
    );
  });

  it('closes only the connection that sent garbage, and serves the next client', async function () {
    const local = localOnly(this, target, 'sends malformed frames, which a shared cluster should not be sent');
    const [host, port] = local.brokers[0].split(':');
    for (const garbage of [Buffer.from([0, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), Buffer.from([0x7f, 0xff, 0xff, 0xff, 9, 9]), Buffer.from([0, 0, 0, 8, 3, 231, 0, 0, 0, 0, 0, 1])]) {
      const closed = await new Promise<boolean>((resolve) => {
        const socket = net.connect(Number(port), host, () => socket.write(garbage));
        socket.on('close', () => resolve(true));
        socket.on('error', () => undefined);
        setTimeout(() => {
          socket.destroy();
          resolve(false);
        }, 3000);
      });
      assert.ok(closed, `the broker closed the connection that sent ${garbage.toString('hex')}`);
    }
    const admin = kafkaFor(target).admin();
    await admin.connect();
    assert.ok((await admin.listTopics()).includes('open-topic'));
    await admin.disconnect();
  });

  it('closes a connection that sends a request before authenticating', async function () {
    const local = localOnly(this, target, "checks the local broker's handling of a request before SASL");
    const [host, port] = local.brokers[0].split(':');
    // Metadata v1, correlation 1, client "x", all topics: a valid request, but sent before SASL.
    const body = Buffer.from([0, 3, 0, 1, 0, 0, 0, 1, 0, 1, 0x78, 0xff, 0xff, 0xff, 0xff]);
    const frame = Buffer.concat([Buffer.from([0, 0, 0, body.length]), body]);
    const answered = await new Promise<number>((resolve) => {
      let bytes = 0;
      const socket = net.connect(Number(port), host, () => socket.write(frame));
      socket.on('data', (d) => (bytes += d.length));
      socket.on('close', () => resolve(bytes));
      socket.on('error', () => undefined);
    });
    assert.strictEqual(answered, 0, 'no metadata leaks to an unauthenticated client');
  });
});
