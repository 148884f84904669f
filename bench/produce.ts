import { monitorEventLoopDelay } from 'perf_hooks';
import { Compression } from '../src/kafka/codecs';
import { sendRecords, topicFacts } from '../src/kafka/produce/send';
import { ClusterProducer } from '../src/kafka/produce/producer';
import { parseLines } from '../src/kafka/produce/parse';
import { kafkaFor, Target } from '../test/integration/env';
import { describe, Figure, kcatOrThrow, seconds, runAlone } from './common';

/**
 * `npm run bench:produce`: 100,000 lines of 100 bytes through the extension's produce path (parse, plan,
 * send with acks=all, idempotent), against `kcat -P` of the same file, on the same local broker and the
 * same 3-partition topic, in alternating rounds.
 */
const RECORDS = 100_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

export async function benchProduce(target: Target, rounds = ROUNDS, compression: Compression = 'none'): Promise<Figure> {
  const line = 'x'.repeat(100);
  const text = `${line}\n`.repeat(RECORDS);
  const topic = `bench-produce-${compression}`;
  const kafka = kafkaFor(target);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  const producer = new ClusterProducer(kafka);
  await producer.connect();
  const with_ = compression === 'none' ? '' : `, ${compression}`;
  const figure: Figure = { name: `produce 100,000 × 100 B${with_}`, unit: 'records/s', ours: [], reference: [], better: 'higher' };
  let longestBlockMs = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const oursSeconds = await seconds(async () => {
        const records = await parseLines(text, 1, { format: 'text' });
        const report = await sendRecords(producer, await topicFacts(admin, topic), records, { compression });
        if (report.acknowledged !== RECORDS) {
          throw new Error(`only ${report.acknowledged} of ${RECORDS} acknowledged`);
        }
      });
      delay.disable();
      longestBlockMs = Math.max(longestBlockMs, delay.max / 1e6);
      const kcatSeconds = await seconds(() => kcatOrThrow(target, ['-P', '-t', topic, '-z', compression, '-X', 'linger.ms=5', '-X', 'acks=all'], text));
      figure.ours.push(RECORDS / oursSeconds);
      figure.reference.push(RECORDS / kcatSeconds);
    }
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
  console.log(`longest event-loop block while our sends ran: ${longestBlockMs.toFixed(0)} ms (the editor stays responsive below 50 ms)`);
  return figure;
}

runAlone(module, async (target) => `${describe(await benchProduce(target))}\n${describe(await benchProduce(target, ROUNDS, 'lz4'))}`);
