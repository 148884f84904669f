import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CompressionTypes } from 'kafkajs';
import { startBroker } from '../broker';
import { kafkaErrorType } from '../../src/kafka/errors';
import { kafkaFor, localSuite, Target, waitUntil } from './env';
import { kcat, kcatConnection } from './kcat';

localSuite('local broker options', 'tests the local broker itself', function () {
  it('serves PLAINTEXT listeners, gzip batches and headers to kafkajs and kcat', async () => {
    const local = await startBroker({ protocol: 'PLAINTEXT', topics: [{ name: 'plain', partitions: 1 }] });
    const target: Target = { bootstrap: local.bootstrap, protocol: 'PLAINTEXT', mechanism: 'PLAIN', username: '', password: '', local };
    try {
      const producer = kafkaFor(target).producer();
      await producer.connect();
      await producer.send({
        topic: 'plain',
        compression: CompressionTypes.GZIP,
        messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `gzip ${i}`, headers: { h: `${i}` } })),
      });
      await producer.disconnect();
      const { code, stdout, stderr } = await kcat(target, ['-C', '-t', 'plain', '-e', '-J']);
      assert.strictEqual(code, 0, stderr);
      const records = stdout.trim().split('\n').map((l) => JSON.parse(l) as { key: string; payload: string; headers: string[] });
      assert.deepStrictEqual(
        records.map((r) => [r.key, r.payload, r.headers]),
        Array.from({ length: 20 }, (_, i) => [`k${i}`, `gzip ${i}`, ['h', `${i}`]]),
      );
    } finally {
      await local.stop();
    }
  });

  it('keeps topics, records and committed offsets in its data directory across a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-broker-data-'));
    const first = await startBroker({ dataDir, topics: [{ name: 'kept', partitions: 2 }] });
    const target1: Target = { bootstrap: first.bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', ...userOf(first.users), local: first };
    const producer = kafkaFor(target1).producer();
    await producer.connect();
    await producer.send({ topic: 'kept', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 1 }, { value: 'c', partition: 1 }] });
    await producer.disconnect();
    const admin1 = kafkaFor(target1).admin();
    await admin1.connect();
    await admin1.setOffsets({ groupId: 'kept-group', topic: 'kept', partitions: [{ partition: 1, offset: '1' }] });
    await admin1.disconnect();
    await first.stop();
    const second = await startBroker({ dataDir });
    try {
      const target2: Target = { ...target1, bootstrap: second.bootstrap, local: second };
      const admin2 = kafkaFor(target2).admin();
      await admin2.connect();
      const offsets = await admin2.fetchTopicOffsets('kept');
      assert.deepStrictEqual(
        offsets.map((o) => [o.partition, o.high]).sort(),
        [
          [0, '1'],
          [1, '2'],
        ],
      );
      const committed = await admin2.fetchOffsets({ groupId: 'kept-group', topics: ['kept'] });
      assert.strictEqual(committed[0].partitions.find((p) => p.partition === 1)?.offset, '1');
      await admin2.disconnect();
      const { stdout } = await kcat(target2, ['-C', '-t', 'kept', '-p', '1', '-e', '-o', 'beginning', '-f', '%s\\n']);
      assert.strictEqual(stdout, 'b\nc\n');
    } finally {
      await second.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("rebuilds idempotent producers' sequences from its data directory, and gives new producers unused ids", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-broker-data-'));
    const first = await startBroker({ dataDir, topics: [{ name: 'idem', partitions: 1 }] });
    const port = Number(first.brokers[0].split(':')[1]);
    const target: Target = { bootstrap: first.bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', ...userOf(first.users), local: first };
    const producer = kafkaFor(target, { retry: { retries: 10, initialRetryTime: 200 } }).producer({ idempotent: true });
    let second: Awaited<ReturnType<typeof startBroker>> | undefined;
    try {
      await producer.connect();
      await producer.send({ topic: 'idem', acks: -1, messages: [{ value: 'a' }] });
      await producer.send({ topic: 'idem', acks: -1, messages: [{ value: 'b' }] });
      const firstId = first.cluster.topics.get('idem')?.partitions[0].batches[0].producerId;
      assert.ok(firstId !== undefined && firstId >= 0);
      await first.stop();
      // The same port, so the producer reconnects and goes on at sequence 2, which the broker must know.
      second = await startBroker({ dataDir, ports: [port] });
      await producer.send({ topic: 'idem', acks: -1, messages: [{ value: 'c' }] });
      const fresh = kafkaFor({ ...target, local: second }).producer({ idempotent: true });
      await fresh.connect();
      await fresh.send({ topic: 'idem', acks: -1, messages: [{ value: 'd' }] });
      await fresh.disconnect();
      const batches = second.cluster.topics.get('idem')?.partitions[0].batches ?? [];
      assert.deepStrictEqual(
        batches.map((b) => b.producerId === firstId),
        [true, true, true, false],
      );
      assert.ok(batches[3].producerId > firstId, `a new producer gets an unused id: ${batches[3].producerId}`);
      const { stdout } = await kcat({ ...target, local: second }, ['-C', '-t', 'idem', '-e', '-o', 'beginning', '-f', '%s\\n']);
      assert.strictEqual(stdout, 'a\nb\nc\nd\n');
    } finally {
      await producer.disconnect();
      await second?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('delays responses on demand', async () => {
    const local = await startBroker({ topics: [{ name: 'slow', partitions: 1 }] });
    try {
      const admin = kafkaFor({ bootstrap: local.bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', ...userOf(local.users), local }).admin();
      await admin.connect();
      local.faults.delay(400, 2);
      const started = Date.now();
      await admin.fetchTopicOffsets('slow');
      const delayed = Date.now() - started;
      local.faults.delay(0, 2);
      await admin.disconnect();
      assert.ok(delayed >= 400, `ListOffsets answered after ${delayed} ms, not after the 400 ms delay`);
    } finally {
      await local.stop();
    }
  });

  it('expires a member that stops heartbeating (kcat killed) after its session timeout', async () => {
    const local = await startBroker({ topics: [{ name: 'expiry', partitions: 1 }] });
    const target: Target = { bootstrap: local.bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', ...userOf(local.users), local };
    try {
      const child = spawn('kcat', [...kcatConnection(target), '-X', 'session.timeout.ms=2000', '-X', 'heartbeat.interval.ms=300', '-G', 'expiry-group', 'expiry'], { stdio: 'ignore' });
      await waitUntil(() => local.cluster.groups.memberCount('expiry-group') === 1, 'kcat joined the group');
      child.kill('SIGKILL');
      await waitUntil(() => local.cluster.groups.memberCount('expiry-group') === 0, 'the dead member expired', 10_000);
    } finally {
      await local.stop();
    }
  });

  it('npm run sandbox prints its address, serves kcat, and stops cleanly on Ctrl-C', async () => {
    const sandbox = spawn(process.execPath, [path.join(__dirname, '..', 'broker', 'sandbox.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    sandbox.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => sandbox.on('exit', (code) => resolve(code)));
    try {
      await waitUntil(() => /bootstrap servers : (\S+)/.test(out) && /user \/ password/.test(out), 'the sandbox prints its address', 20_000);
      const bootstrap = /bootstrap servers : (\S+)/.exec(out)?.[1] as string;
      const [, user, password] = /user \/ password {3}: (\S+) \/ (\S+)/.exec(out) ?? [];
      const { code, stdout, stderr } = await kcat({ bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', username: user, password }, ['-C', '-t', 'orders', '-e', '-o', 'beginning', '-f', '%k\\n']);
      assert.strictEqual(code, 0, stderr);
      assert.strictEqual(stdout.trim().split('\n').length, 300, 'the demo topic holds its 300 seeded orders');
    } finally {
      sandbox.kill('SIGINT');
    }
    assert.strictEqual(await exited, 0);
    assert.match(out, /stopping the sandbox/);
  });

  it('refuses topic admin as a console-only CKafka would: CreateTopics and DeleteTopics answer POLICY_VIOLATION, nothing is auto-created', async () => {
    const local = await startBroker({ refuseTopicAdmin: true, autoCreateTopics: true, topics: [{ name: 'made-in-console', partitions: 3 }] });
    const target: Target = { bootstrap: local.bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', ...userOf(local.users), local };
    const admin = kafkaFor(target, { retry: { retries: 0 } }).admin();
    await admin.connect();
    try {
      const started = Date.now();
      await assert.rejects(admin.createTopics({ topics: [{ topic: 'made-by-client', numPartitions: 1 }] }), (e) => kafkaErrorType(e) === 'POLICY_VIOLATION');
      await assert.rejects(admin.deleteTopics({ topics: ['made-in-console'] }), (e) => kafkaErrorType(e) === 'POLICY_VIOLATION');
      assert.ok(Date.now() - started < 5000, `refused after ${Date.now() - started} ms`);
      const producer = kafkaFor(target, { retry: { retries: 1, initialRetryTime: 50 } }).producer({ allowAutoTopicCreation: true });
      await producer.connect();
      await assert.rejects(producer.send({ topic: 'auto-created', messages: [{ value: 'x' }] }), (e) => kafkaErrorType(e) === 'UNKNOWN_TOPIC_OR_PARTITION');
      await producer.send({ topic: 'made-in-console', messages: [{ value: 'kept', partition: 2 }] });
      await producer.disconnect();
      assert.deepStrictEqual((await admin.listTopics()).sort(), ['made-in-console']);
      assert.strictEqual((await admin.fetchTopicMetadata({ topics: ['made-in-console'] })).topics[0].partitions.length, 3);
    } finally {
      await admin.disconnect();
      await local.stop();
    }
  });

  it('npm run sandbox:broker -- --topic name:partitions --refuse-topic-admin makes the topics at start and refuses topic admin', async () => {
    const args = ['--port', '0', '--brokers', '2', '--topic', 'pool-a:3', '--topic', 'pool-b:1', '--refuse-topic-admin', '--without-api', 'DeleteGroups'];
    const sandbox = spawn(process.execPath, [path.join(__dirname, '..', 'broker', 'sandbox.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    sandbox.stdout.on('data', (d: Buffer) => (out += d.toString()));
    sandbox.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => sandbox.on('exit', (code) => resolve(code)));
    try {
      await waitUntil(() => /user \/ password/.test(out), 'the broker prints its address', 20_000);
      assert.match(out, /topic admin {7}: refused/);
      assert.match(out, /not implemented {3}: DeleteGroups/);
      const bootstrap = /bootstrap servers : (\S+)/.exec(out)?.[1] as string;
      const [, username, password] = /user \/ password {3}: (\S+) \/ (\S+)/.exec(out) ?? [];
      const target: Target = { bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', username, password };
      const { code, stdout, stderr } = await kcat(target, ['-L', '-J']);
      assert.strictEqual(code, 0, stderr);
      const topics = (JSON.parse(stdout) as { topics: { topic: string; partitions: unknown[] }[] }).topics.map((t) => [t.topic, t.partitions.length]).sort();
      assert.deepStrictEqual(topics, [
        ['events', 1],
        ['orders', 3],
        ['pool-a', 3],
        ['pool-b', 1],
      ]);
      const admin = kafkaFor(target, { retry: { retries: 0 } }).admin();
      await admin.connect();
      await assert.rejects(admin.createTopics({ topics: [{ topic: 'pool-c', numPartitions: 1 }] }), (e) => kafkaErrorType(e) === 'POLICY_VIOLATION');
      await assert.rejects(admin.deleteGroups(['any-group']), (e: Error) => e.name === 'KafkaJSServerDoesNotSupportApiKey', 'DeleteGroups is not advertised');
      await admin.disconnect();
    } finally {
      sandbox.kill('SIGINT');
    }
    assert.strictEqual(await exited, 0);
  });

  it('refuses to start with an API name it does not know, or a malformed --topic', async () => {
    await assert.rejects(startBroker({ withoutApis: ['DeleteGroup'] }), /no API named DeleteGroup/);
    const bad = spawn(process.execPath, [path.join(__dirname, '..', 'broker', 'sandbox.js'), '--port', '0', '--topic', 'pool-a'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    bad.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => bad.on('exit', (c) => resolve(c)));
    assert.strictEqual(code, 1);
    assert.match(err, /--topic: "pool-a" is not name:partitions/);
  });
});

function userOf(users: Record<string, string>): { username: string; password: string } {
  const [username, password] = Object.entries(users)[0];
  return { username, password };
}
