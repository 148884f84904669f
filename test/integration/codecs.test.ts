import * as assert from 'assert';
import { Admin } from 'kafkajs';
import { ClusterSettings, kafkaConfig } from '../../src/kafka/cluster';
import { canCompressZstd, Compression, COMPRESSIONS } from '../../src/kafka/codecs';
import { ConsumerEvent, ConsumerSession, ephemeralGroupId } from '../../src/kafka/consume';
import { ConsumedRecord } from '../../src/kafka/format';
import { OutgoingRecord } from '../../src/kafka/produce/records';
import { sendRecords, topicFacts } from '../../src/kafka/produce/send';
import { ClusterProducer } from '../../src/kafka/produce/producer';
import { LocalBroker } from '../broker';
import { kafkaFor, localOnly, skipBecause, startTarget, takeTopic, Target, TestTopic, uniqueTopic, waitUntil } from './env';
import { kcat } from './kcat';

const RECORDS = 10_000;
const CODECS = COMPRESSIONS.filter((c) => c !== 'none');

/** Compressible, distinct records: `key<TAB>value` lines as kcat -K'\t' reads them. */
function sampleLines(count: number, tag: string): string[] {
  return Array.from({ length: count }, (_, i) => `order-${tag}-${i}\t{"orderId":${1234567890123456789n + BigInt(i)},"status":"paid","note":"${tag} 你好"}`);
}

/** The compression types of every batch the local broker holds for one partition. */
function storedCodecs(local: LocalBroker, topic: string, partition: number): string[] {
  const log = local.cluster.topics.get(topic)?.partitions[partition];
  return (log?.batches ?? []).map((b) => COMPRESSIONS[b.bytes.readInt16BE(21) & 0x07] ?? 'unknown');
}

/** A consumer session as the extension runs it, keeping every record and event. */
class Reader {
  readonly records: ConsumedRecord[] = [];
  readonly partitions = new Map<number, ConsumedRecord[]>();
  readonly events: ConsumerEvent[] = [];
  readonly session: ConsumerSession;

  constructor(target: Target, topic: TestTopic, groupId = ephemeralGroupId('codecs'), ephemeral = true) {
    const settings: ClusterSettings = {
      id: 'codecs',
      name: 'codecs',
      bootstrapServers: target.bootstrap,
      securityProtocol: target.protocol,
      saslMechanism: target.mechanism,
      username: target.username,
    };
    this.session = new ConsumerSession(kafkaConfig(settings, target.password, { connectionTimeoutMs: 3000, requestTimeoutMs: 10_000, retries: 2 }), {
      topic: topic.name,
      groupId,
      ephemeral,
      // From where the topic stood when the test took it: a pre-made topic may hold earlier runs' records.
      from: { kind: 'earliest' },
      resume: new Map(topic.start.map((offset, partition) => [partition, offset])),
      onBatch: (batch) => {
        this.records.push(...batch.records);
        const list = this.partitions.get(batch.partition) ?? [];
        list.push(...batch.records);
        this.partitions.set(batch.partition, list);
      },
      onEvent: (event) => this.events.push(event),
      reconnect: { initialMs: 200, maxMs: 1000 },
    });
  }

  lines(partition?: number): string[] {
    const records = partition === undefined ? this.records : (this.partitions.get(partition) ?? []);
    return records.map((r) => `${r.key?.toString() ?? ''}\t${r.value?.toString() ?? ''}`);
  }
}

describe('compression codecs: records written by librdkafka and by the extension, read back exactly', function () {
  this.timeout(120_000);
  let target: Target;
  let admin: Admin;
  let producer: ClusterProducer;
  const readers: Reader[] = [];

  const newTopic = (partitions: number) => takeTopic(target, 'codec', partitions);

  const read = async (topic: TestTopic, count: number, options: { groupId?: string; ephemeral?: boolean } = {}) => {
    const reader = new Reader(target, topic, options.groupId, options.ephemeral);
    readers.push(reader);
    await reader.session.start();
    await waitUntil(() => reader.records.length >= count, `${count} records read (got ${reader.records.length})`, 60_000);
    return reader;
  };

  before(async () => {
    target = await startTarget();
    admin = kafkaFor(target).admin();
    await admin.connect();
    producer = new ClusterProducer(kafkaFor(target));
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.session.stop()));
  });

  after(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await target.local?.stop();
  });

  for (const codec of CODECS) {
    it(`reads 10,000 records that kcat -z ${codec} wrote, exactly and in order`, async () => {
      const topic = await newTopic(1);
      const lines = sampleLines(RECORDS, codec);
      const { code, stderr } = await kcat(target, ['-P', '-t', topic.name, '-p', '0', '-z', codec, '-K', '\t', '-X', 'linger.ms=20'], lines.join('\n') + '\n', 60_000);
      assert.strictEqual(code, 0, stderr);
      if (target.local) {
        // librdkafka may send the first lines it reads on their own, uncompressed where compression would not shrink them.
        const stored = storedCodecs(target.local, topic.name, 0);
        assert.ok(stored.includes(codec), `the broker should hold ${codec} batches, holds ${stored.join(',')}`);
      }
      const reader = await read(topic, RECORDS);
      assert.deepStrictEqual(reader.lines(), lines);
      assert.deepStrictEqual(
        reader.records.map((r) => Number(r.offset)),
        lines.map((_, i) => topic.at(0, i)),
      );
      assert.ok(!reader.events.some((e) => e.type === 'connectionLost' || e.type === 'undecodable'), JSON.stringify(reader.events));
    });
  }

  for (const codec of COMPRESSIONS) {
    it(`writes 10,000 records with compression ${codec} that kcat reads back exactly`, async function () {
      if (codec === 'zstd' && !canCompressZstd()) {
        skipBecause(this, `Node.js ${process.versions.node} has no zstd encoder (Node 22.15 or later has one); the extension-host layer writes zstd`);
      }
      const topic = await newTopic(3);
      const lines = sampleLines(RECORDS, `ours-${codec}`);
      const records: OutgoingRecord[] = lines.map((l, i) => ({ key: l.split('\t')[0], value: l.split('\t')[1], line: i + 1 }));
      const facts = await topicFacts(admin, topic.name);
      const report = await sendRecords(producer, facts, records, { compression: codec as Compression });
      assert.strictEqual(report.acknowledged, RECORDS);
      if (target.local) {
        const stored = [0, 1, 2].flatMap((p) => storedCodecs(target.local as LocalBroker, topic.name, p));
        assert.ok(stored.length > 0 && stored.every((c) => c === codec), `the broker should hold ${codec} batches only, holds ${stored.join(',')}`);
      }
      const got: string[] = [];
      for (const p of [0, 1, 2]) {
        // Each partition from where it stood when the test took the topic; its records in the order written.
        const { code, stdout, stderr } = await kcat(target, ['-C', '-t', topic.name, '-p', String(p), '-o', String(topic.start[p]), '-e', '-q', '-f', '%k\t%s\n'], undefined, 60_000);
        assert.strictEqual(code, 0, stderr);
        const one = stdout.split('\n').filter((l) => l !== '');
        const order = one.map((l) => lines.indexOf(l));
        assert.deepStrictEqual(order, [...order].sort((a, b) => a - b));
        assert.strictEqual(one.length, report.partitions.find((r) => r.partition === p)?.count ?? 0);
        got.push(...one);
      }
      assert.deepStrictEqual([...got].sort(), [...lines].sort());
    });
  }

  it('reads a partition holding batches of all five codecs interleaved, in full and in order', async () => {
    const topic = await newTopic(1);
    const expected: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const codec of COMPRESSIONS) {
        const lines = sampleLines(200, `${codec}-${round}`);
        const { code, stderr } = await kcat(target, ['-P', '-t', topic.name, '-p', '0', '-z', codec, '-K', '\t'], lines.join('\n') + '\n');
        assert.strictEqual(code, 0, stderr);
        expected.push(...lines);
      }
    }
    if (target.local) {
      const stored = new Set(storedCodecs(target.local, topic.name, 0));
      assert.deepStrictEqual([...stored].sort(), [...COMPRESSIONS].sort(), 'every codec is in the partition');
    }
    const reader = await read(topic, expected.length);
    assert.deepStrictEqual(reader.lines(), expected);
  });

  describe('a batch that cannot be decoded', () => {
    /** Breaks the compressed data of one stored batch, or gives it a compression type Kafka does not define. */
    const spoil = (local: LocalBroker, topic: TestTopic, partition: number, index: number, how: 'corrupt' | 'unknownCodec') => {
      const batch = local.cluster.topics.get(topic.name)?.partitions[partition].batches[index];
      assert.ok(batch, `batch ${index} of partition ${partition}`);
      if (how === 'corrupt') {
        batch.bytes.fill(0x5a, 61 + 4, batch.bytes.length - 4);
      } else {
        batch.bytes.writeInt16BE((batch.bytes.readInt16BE(21) & ~0x07) | 6, 21);
      }
      return batch;
    };

    /** Partition 0: a plain batch, an lz4 batch that gets spoiled, a plain batch. Partition 1: two plain batches. */
    const topicWithBadBatch = async (local: LocalBroker, how: 'corrupt' | 'unknownCodec') => {
      const topic = await newTopic(2);
      const send = (partition: number, prefix: string, compression: Compression) =>
        sendRecords(producer, { topic: topic.name, partitionCount: 2, maxMessageBytes: 1_048_576 }, Array.from({ length: 50 }, (_, i) => ({ value: `${prefix}-${i} ${'x'.repeat(40)}`, partition, line: i + 1 })), { compression });
      await send(0, 'before', 'none');
      await send(1, 'other-a', 'none');
      await send(0, 'bad', 'lz4');
      await send(0, 'after', 'none');
      await send(1, 'other-b', 'none');
      const bad = spoil(local, topic, 0, 1, how);
      return { topic, firstOffset: String(bad.baseOffset), lastOffset: String(bad.lastOffset) };
    };

    for (const how of ['corrupt', 'unknownCodec'] as const) {
      it(`(${how === 'corrupt' ? 'corrupt lz4 data' : 'an unknown compression type'}) is reported once with its place, other partitions go on, and Skip reads on after it`, async function () {
        const local = localOnly(this, target, 'spoils a batch inside the broker');
        const { topic, firstOffset, lastOffset } = await topicWithBadBatch(local, how);
        const reader = new Reader(target, topic);
        readers.push(reader);
        await reader.session.start();
        await waitUntil(() => reader.events.some((e) => e.type === 'undecodable'), 'the batch is reported', 5000);
        await waitUntil(() => reader.lines(1).length === 100 && reader.lines(0).length === 50, 'the records around the bad batch are shown', 5000);
        const reported = reader.events.filter((e) => e.type === 'undecodable');
        assert.strictEqual(reported.length, 1);
        const event = reported[0] as Extract<ConsumerEvent, { type: 'undecodable' }>;
        assert.strictEqual(event.partition, 0);
        assert.strictEqual(event.batch.firstOffset, firstOffset);
        assert.strictEqual(event.batch.lastOffset, lastOffset);
        assert.match(event.batch.reason, how === 'corrupt' ? /lz4/ : /unknown compression type 6/);
        assert.ok(reader.lines(0).every((l) => l.startsWith('\tbefore-')));
        // It stays held: no reconnect loop, no repeat, nothing from after it.
        await new Promise((r) => setTimeout(r, 1500));
        assert.ok(!reader.events.some((e) => e.type === 'connectionLost'), JSON.stringify(reader.events));
        assert.strictEqual(reader.events.filter((e) => e.type === 'undecodable').length, 1);
        assert.strictEqual(reader.lines(0).length, 50);
        assert.strictEqual(reader.session.skipUndecodable(0), Number(lastOffset) + 1);
        await waitUntil(() => reader.lines(0).length === 100, 'the records after the bad batch are shown');
        assert.ok(reader.lines(0).slice(50).every((l) => l.startsWith('\tafter-')));
        assert.strictEqual(reader.session.skipUndecodable(0), undefined, 'nothing is held any more');
      });
    }

    it('keeps a named group committed before the batch until it is skipped', async function () {
      const local = localOnly(this, target, 'spoils a batch inside the broker');
      const { topic, firstOffset, lastOffset } = await topicWithBadBatch(local, 'corrupt');
      const groupId = uniqueTopic('codec-group');
      const reader = new Reader(target, topic, groupId, false);
      readers.push(reader);
      const committed = async () => ((await admin.fetchOffsets({ groupId, topics: [topic.name] }))[0]?.partitions ?? []).find((p) => p.partition === 0)?.offset;
      // Every commit is watched from the start: the group must never move past the batch, not even for a moment.
      const seen: string[] = [];
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const offset = await committed();
          if (offset !== undefined && offset !== seen[seen.length - 1]) {
            seen.push(offset);
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      await reader.session.start();
      await waitUntil(() => reader.events.some((e) => e.type === 'undecodable') && reader.lines(1).length === 100, 'the batch is reported');
      await new Promise((r) => setTimeout(r, 2000));
      watching = false;
      await watcher;
      assert.ok(seen.every((o) => Number(o) <= Number(firstOffset)), `committed offsets of partition 0 seen: ${seen.join(', ')}; the batch starts at ${firstOffset}`);
      assert.strictEqual(await committed(), firstOffset);
      reader.session.skipUndecodable(0);
      await waitUntil(() => reader.lines(0).length === 100, 'the records after the bad batch are shown');
      let after = await committed();
      for (let i = 0; i < 50 && Number(after) < Number(lastOffset) + 1; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await committed();
      }
      assert.ok(Number(after) > Number(lastOffset), `committed ${after}, expected past ${lastOffset}`);
    });
  });
});
