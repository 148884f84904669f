import * as assert from 'assert';
import { Consumer } from 'kafkajs';
import { kafkaFor, localOnly, missingMechanism, skipBecause, startTarget, takeTopic, Target, TestTopic, uniqueTopic } from './env';
import { kcat } from './kcat';

interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
}

function parseJsonLines(text: string): KcatRecord[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as KcatRecord);
}

/** The first `count` records the test wrote to `topic` (those it held before are read and left out). */
async function readAll(consumer: Consumer, topic: TestTopic, count: number, timeoutMs = 15_000) {
  const got: { key: string | null; value: string | null; headers: Record<string, string>; partition: number; offset: string }[] = [];
  await consumer.subscribe({ topic: topic.name, fromBeginning: true });
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${got.length} of ${count} records`)), timeoutMs);
    void consumer.run({
      eachMessage: async ({ message, partition }) => {
        if (!topic.isNew(partition, message.offset)) {
          return;
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) {
          headers[k] = String(v);
        }
        got.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers, partition, offset: message.offset });
        if (got.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await done;
  return got;
}

/** kcat's records the test wrote (those the topic held before it are left out). */
function written(topic: TestTopic, records: KcatRecord[]): KcatRecord[] {
  return records.filter((r) => topic.isNew(r.partition, r.offset));
}

describe('kcat (librdkafka) interop', function () {
  let target: Target;
  let listed: TestTopic;

  before(async () => {
    target = await startTarget();
    listed = await takeTopic(target, 'interop-listed', 3);
  });

  after(async () => target?.local?.stop());

  it('kcat -L lists the topics and brokers', async () => {
    const { code, stdout, stderr } = await kcat(target, ['-L', '-J']);
    assert.strictEqual(code, 0, stderr);
    const meta = JSON.parse(stdout) as { brokers: { id: number }[]; topics: { topic: string; partitions: unknown[] }[] };
    const found = meta.topics.find((t) => t.topic === listed.name);
    assert.ok(found, `${listed.name} missing from ${stdout}`);
    assert.strictEqual(found.partitions.length, 3);
    assert.ok(meta.brokers.length >= 1);
  });

  it('kcat -P with keys and headers is read back exactly by kafkajs', async () => {
    const topic = await takeTopic(target, 'kcat-to-kafkajs', 1);
    const lines = Array.from({ length: 50 }, (_, i) => `key-${i}:value ${i} 你好`);
    const { code, stderr } = await kcat(target, ['-P', '-t', topic.name, '-K:', '-H', 'source=kcat', '-H', 'n=1'], lines.join('\n') + '\n');
    assert.strictEqual(code, 0, stderr);
    const consumer = kafkaFor(target).consumer({ groupId: uniqueTopic('g') });
    await consumer.connect();
    try {
      const got = await readAll(consumer, topic, 50);
      assert.deepStrictEqual(
        got.map((r) => [r.key, r.value, r.headers]),
        lines.map((_, i) => [`key-${i}`, `value ${i} 你好`, { source: 'kcat', n: '1' }]),
      );
      assert.deepStrictEqual(
        got.map((r) => r.offset),
        lines.map((_, i) => String(topic.at(0, i))),
      );
    } finally {
      await consumer.disconnect();
    }
  });

  it('kafkajs records are read back exactly by kcat -C, with headers', async () => {
    const topic = await takeTopic(target, 'kafkajs-to-kcat', 3);
    const kafka = kafkaFor(target);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const messages = Array.from({ length: 40 }, (_, i) => ({
      key: `k${i}`,
      value: `v${i}-CKafka-消息`,
      partition: i % 2,
      headers: { trace: `t${i}` },
    }));
    await producer.send({ topic: topic.name, acks: -1, messages });
    await producer.disconnect();
    const { code, stdout, stderr } = await kcat(target, ['-C', '-t', topic.name, '-e', '-o', 'beginning', '-J']);
    assert.strictEqual(code, 0, stderr);
    const all = parseJsonLines(stdout);
    const records = written(topic, all);
    assert.strictEqual(records.length, 40);
    assert.strictEqual(all.length, 40 + topic.before, 'and the records the topic held before');
    for (const m of messages) {
      const r = records.find((x) => x.key === m.key);
      assert.ok(r, `missing ${m.key}`);
      assert.strictEqual(r.payload, m.value);
      assert.strictEqual(r.partition, m.partition);
      assert.deepStrictEqual(r.headers, ['trace', m.headers.trace]);
    }
  });

  it('kcat -G consumes through a consumer group', async () => {
    const topic = await takeTopic(target, 'kcat-group', 3);
    const kafka = kafkaFor(target);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topic.name, messages: Array.from({ length: 30 }, (_, i) => ({ value: `m${i}`, partition: i % 3 })) });
    await producer.disconnect();
    const group = uniqueTopic('kcat-g');
    const { code, stdout, stderr } = await kcat(target, ['-G', group, '-X', 'auto.offset.reset=earliest', '-e', '-J', topic.name], undefined, 60_000);
    assert.strictEqual(code, 0, stderr);
    const values = written(topic, parseJsonLines(stdout))
      .map((r) => r.payload)
      .sort();
    assert.deepStrictEqual(values, Array.from({ length: 30 }, (_, i) => `m${i}`).sort());
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic.name] });
    await admin.disconnect();
    assert.deepStrictEqual(
      offsets[0].partitions.map((p) => [p.partition, Number(p.offset)]).sort(),
      [0, 1, 2].map((p) => [p, topic.at(p, 10)]),
      'kcat committed every partition to its end',
    );
  });

  it('a wrong password is refused with an authentication error, for kcat and for kafkajs', async () => {
    const wrong = { ...target, password: 'not-the-password' };
    const { code, stderr } = await kcat(wrong, ['-L', '-m', '5'], undefined, 20_000);
    assert.notStrictEqual(code, 0);
    assert.match(stderr, /Authentication failed|SASL authentication error/i);
    const kafka = kafkaFor(target, { password: 'not-the-password', retry: { retries: 0 } });
    const admin = kafka.admin();
    await assert.rejects(admin.connect(), (e: Error) => e.name === 'KafkaJSSASLAuthenticationError' || /SASL|Authentication/i.test(e.message));
  });

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    it(`${mechanism} authenticates kcat and kafkajs, and refuses a wrong password`, async function () {
      const missing = await missingMechanism(target, mechanism);
      if (missing) {
        skipBecause(this, missing);
      }
      const scram = { ...target, mechanism };
      const { code, stderr } = await kcat(scram, ['-L', '-J']);
      assert.strictEqual(code, 0, stderr);
      const admin = kafkaFor(scram).admin();
      await admin.connect();
      assert.ok((await admin.listTopics()).includes(listed.name));
      await admin.disconnect();
      const bad = await kcat({ ...scram, password: 'wrong' }, ['-L', '-m', '5'], undefined, 20_000);
      assert.notStrictEqual(bad.code, 0);
      await assert.rejects(kafkaFor(scram, { password: 'wrong', retry: { retries: 0 } }).admin().connect());
    });
  }
});

describe('local broker throughput (a figure for the log, not a timed assertion)', function () {
  let target: Target;
  before(async () => {
    target = await startTarget({ topics: [{ name: 'throughput', partitions: 1 }] });
  });
  after(async () => target?.local?.stop());

  it('accepts kcat -P of 100,000 records of 100 bytes, and reports the rate', async function () {
    localOnly(this, target, 'a figure of the local broker, not of the cluster under test');
    const line = 'x'.repeat(100);
    const input = `${line}\n`.repeat(100_000);
    const started = process.hrtime.bigint();
    const { code, stderr } = await kcat(target, ['-P', '-t', 'throughput', '-X', 'linger.ms=5'], input, 120_000);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    assert.strictEqual(code, 0, stderr);
    const admin = kafkaFor(target).admin();
    await admin.connect();
    const [p] = await admin.fetchTopicOffsets('throughput');
    await admin.disconnect();
    assert.strictEqual(p.high, '100000');
    console.log(`      kcat -P: 100,000 records of 100 bytes in ${seconds.toFixed(2)} s = ${Math.round(100_000 / seconds).toLocaleString('en')} records/s (including kcat start-up)`);
  });
});
