import * as assert from 'assert';
import type { Admin, Kafka } from 'kafkajs';
import { ClusterSettings, kafkaConfig } from '../../src/kafka/cluster';
import { ConsumerSession } from '../../src/kafka/consume';
import { kafkajs } from '../../src/kafka/lib';
import { parseLines } from '../../src/kafka/produce/parse';
import { ProduceReport, sendRecords, topicFacts } from '../../src/kafka/produce/send';
import { ClusterProducer } from '../../src/kafka/produce/producer';
import { localOnly, startTarget, takeTopic, Target, waitUntil } from './env';

/**
 * Chaos round trip: 50,000 records go through the extension's produce path (parseLines → topicFacts →
 * sendRecords with a ClusterProducer) while a named-group consumer on the extension's consume
 * path (ConsumerSession) reads the same topic; every 2 s a random broker of three is restarted or every
 * connection is dropped. The records are produced as 50 selections of 1,000 lines, 400 ms apart, so
 * the faults fall while both sides work. A selection's unacknowledged lines are sent again, as a user would
 * after reading the report, and counted.
 *
 * CHAOS_RECORDS (50000), CHAOS_FAULT_EVERY_MS (2000).
 */
const RECORDS = Number(process.env.CHAOS_RECORDS ?? 50_000);
const SELECTION_LINES = 1000;
/** Between two selections, as a user would pause; it spreads the run over many faults. */
const PAUSE_MS = Number(process.env.CHAOS_PAUSE_MS ?? 400);
const FAULT_EVERY_MS = Number(process.env.CHAOS_FAULT_EVERY_MS ?? 2000);
const PARTITIONS = 3;
const MAX_RESENDS = 30;

interface Delivery {
  value: string;
  times: number;
}

describe('chaos round trip: produce and consume while brokers restart and connections drop', function () {
  this.timeout(600_000);
  let target: Target;

  before(async () => {
    target = await startTarget({ brokers: 3, groupInitialRebalanceDelayMs: 0 });
  });
  after(async () => target?.local?.stop());

  it(`every acknowledged record of ${RECORDS.toLocaleString('en')} is read back once per offset, and the reports count exactly`, async function () {
    const local = localOnly(this, target, 'restarts brokers and drops every connection');
    const started = Date.now();
    // Three brokers: each partition has three replicas, so a restarted leader is replaced.
    const topic = (await takeTopic(target, 'chaos', PARTITIONS)).name;
    const settings: ClusterSettings = {
      id: 'chaos',
      name: 'chaos',
      bootstrapServers: target.bootstrap,
      securityProtocol: target.protocol,
      saslMechanism: target.mechanism,
      username: target.username,
    };
    const config = kafkaConfig(settings, target.password);
    const kafka: Kafka = new (kafkajs().Kafka)(config);
    const admin: Admin = kafka.admin();
    await admin.connect();

    // The consumer: partition → offset → value, and how often each offset was handed over.
    const read = new Map<number, Map<number, Delivery>>();
    let deliveries = 0;
    const problems: string[] = [];
    let reconnects = 0;
    const consumer = new ConsumerSession(config, {
      topic,
      groupId: `chaos-group-${topic}`,
      ephemeral: false,
      from: { kind: 'earliest' },
      reconnect: { initialMs: 200, maxMs: 2000 },
      onEvent: (event) => {
        if (event.type === 'connectionLost') {
          reconnects++;
        }
      },
      onBatch: ({ partition, records }) => {
        let offsets = read.get(partition);
        if (!offsets) {
          read.set(partition, (offsets = new Map()));
        }
        for (const r of records) {
          deliveries++;
          const value = r.value?.toString('utf8') ?? '';
          const known = offsets.get(Number(r.offset));
          if (known) {
            if (known.value !== value) {
              problems.push(`offset ${partition}:${r.offset} handed over again with another value`);
            }
            known.times++;
          } else {
            offsets.set(Number(r.offset), { value, times: 1 });
          }
        }
      },
    });
    await consumer.start();

    // Faults: every FAULT_EVERY_MS a random broker restarts (down 500 ms) or every connection drops.
    const faultLog: string[] = [];
    let chaos = true;
    const faults = (async () => {
      while (chaos) {
        await new Promise((r) => setTimeout(r, FAULT_EVERY_MS));
        if (!chaos) {
          break;
        }
        if (Math.random() < 0.5) {
          const id = Math.floor(Math.random() * 3);
          faultLog.push(`restart ${id}`);
          await local.faults.restartBroker(id, 500);
        } else {
          faultLog.push('drop');
          local.faults.dropConnections();
        }
      }
    })();

    // The producer: each selection goes through parseLines → topicFacts → sendRecords; unacknowledged lines again.
    const producer = new ClusterProducer(kafka);
    await producer.connect();
    const reports: ProduceReport[] = [];
    let acknowledged = 0;
    let resends = 0;
    let failedSends = 0;
    /** Value → the number of times a send of it was acknowledged. */
    const acked = new Map<string, number>();
    try {
      for (let first = 0; first < RECORDS; first += SELECTION_LINES) {
        const count = Math.min(SELECTION_LINES, RECORDS - first);
        const selection = Array.from({ length: count }, (_, i) => `chaos-${String(first + i).padStart(6, '0')}`);
        let pending = await parseLines(selection.join('\n'), first + 1, { format: 'text' });
        for (let attempt = 0; pending.length > 0; attempt++) {
          assert.ok(attempt <= MAX_RESENDS, `lines still unacknowledged after ${MAX_RESENDS} re-sends`);
          let report: ProduceReport;
          try {
            const facts = await topicFacts(admin, topic);
            report = await sendRecords(producer, facts, pending);
          } catch {
            // Reading the topic's facts failed: nothing was sent; the user tries again.
            failedSends++;
            await new Promise((r) => setTimeout(r, 300));
            continue;
          }
          reports.push(report);
          if (attempt > 0) {
            resends++;
          }
          // The report's own figures agree: acknowledged = per-partition counts = contiguous offset ranges.
          assert.strictEqual(report.total, pending.length);
          assert.strictEqual(report.acknowledged, report.partitions.reduce((n, p) => n + p.count, 0));
          for (const p of report.partitions) {
            assert.strictEqual(BigInt(p.lastOffset) - BigInt(p.firstOffset) + 1n, BigInt(p.count), `partition ${p.partition} range`);
          }
          const unacked = new Set(report.unacknowledged.flatMap((u) => u.lines));
          assert.strictEqual(report.acknowledged + unacked.size, report.total);
          for (const r of pending) {
            assert.ok(typeof r.value === 'string', 'text lines give text records');
            if (!unacked.has(r.line)) {
              acked.set(r.value, (acked.get(r.value) ?? 0) + 1);
            }
          }
          acknowledged += report.acknowledged;
          pending = pending.filter((r) => unacked.has(r.line));
          if (pending.length > 0) {
            await new Promise((r) => setTimeout(r, 300));
          }
        }
        await new Promise((r) => setTimeout(r, PAUSE_MS));
      }
    } finally {
      chaos = false;
      await faults;
      await producer.disconnect();
    }
    const producedMs = Date.now() - started;

    // Read back to the end of every partition.
    const ends = await admin.fetchTopicOffsets(topic);
    const inLog = ends.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    // Until every offset is read, or nothing new arrives for 30 s (the checks below then name what is missing).
    let lastCount = -1;
    let lastProgress = Date.now();
    await waitUntil(
      () => {
        const count = [...read.values()].reduce((n, m) => n + m.size, 0);
        if (count !== lastCount) {
          lastCount = count;
          lastProgress = Date.now();
        }
        return ends.every((o) => (read.get(o.partition)?.size ?? 0) >= Number(o.high) - Number(o.low)) || Date.now() - lastProgress > 30_000;
      },
      'the consumer read every offset',
      300_000,
    );
    await consumer.stop();
    await admin.disconnect();
    const durationMs = Date.now() - started;

    // No offset skipped, none beyond the log; re-deliveries only of the same offset with the same value.
    for (const o of ends) {
      const offsets = read.get(o.partition) ?? new Map<number, Delivery>();
      for (let offset = Number(o.low); offset < Number(o.high); offset++) {
        assert.ok(offsets.has(offset), `offset ${o.partition}:${offset} was never read`);
      }
      assert.strictEqual(offsets.size, Number(o.high) - Number(o.low), `partition ${o.partition}: offsets outside the log`);
    }
    const distinctOffsets = [...read.values()].reduce((n, m) => n + m.size, 0);
    const redelivered = deliveries - distinctOffsets;
    // Every acknowledged record is read back; values read more than once at different offsets are lines
    // a send wrote although it reported them unacknowledged (and which were then sent again).
    const readValues = new Map<string, number>();
    for (const offsets of read.values()) {
      for (const { value } of offsets.values()) {
        readValues.set(value, (readValues.get(value) ?? 0) + 1);
      }
    }
    for (const value of acked.keys()) {
      assert.ok(readValues.has(value), `acknowledged record ${value} was not read back`);
    }
    const writtenUnacknowledged = inLog - acknowledged;

    console.log(
      `      chaos: ${RECORDS.toLocaleString('en')} records, ${faultLog.length} faults (${faultLog.filter((f) => f === 'drop').length} connection drops, ${faultLog.filter((f) => f !== 'drop').length} broker restarts), ` +
        `${(producedMs / 1000).toFixed(1)} s producing, ${(durationMs / 1000).toFixed(1)} s in all; ${reports.length} sends (${resends} re-sends of unacknowledged lines, ${failedSends} sends that failed before sending); ` +
        `acknowledged ${acknowledged}, in the log ${inLog}, read ${distinctOffsets} distinct offsets (${redelivered} re-deliveries), ${writtenUnacknowledged} written although reported unacknowledged; consumer reconnects ${reconnects}`,
    );
    assert.strictEqual(acked.size, RECORDS, 'every line acknowledged once re-sent as needed');
    assert.strictEqual(acknowledged, RECORDS, 'the reports acknowledge each line exactly once');
    assert.ok([...acked.values()].every((n) => n === 1));
    assert.strictEqual(distinctOffsets, inLog);
    // Only a send reported unacknowledged may have left a record in the log besides the acknowledged ones.
    assert.ok(writtenUnacknowledged >= 0 && (writtenUnacknowledged === 0 || resends > 0), `${writtenUnacknowledged} records in the log beyond the acknowledged ones without any re-send`);
    assert.deepStrictEqual(problems, []);
    assert.ok(faultLog.length >= 3, `only ${faultLog.length} faults fell during the run`);
  });
});
