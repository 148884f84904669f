import { sendRecords, topicFacts } from '../src/kafka/produce/send';
import { ClusterProducer } from '../src/kafka/produce/producer';
import { parseRecord } from '../src/kafka/produce/parse';
import { kafkaFor, Target } from '../test/integration/env';
import { describe, Figure, median, runAlone } from './common';

/**
 * `npm run bench:latency`: one message, from the command's send (topic check, size check, send with
 * acks=all) to the acknowledgement, median of 200, against a pre-connected plain kafkajs producer sending
 * the same message with acks=all. Both are connected before timing starts, as the command's producer is
 * after its first use.
 */
const SENDS = 200;

export async function benchSingleProduce(target: Target, rounds = 3): Promise<Figure> {
  const topic = 'bench-latency';
  const kafka = kafkaFor(target);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  const ours = new ClusterProducer(kafka);
  const plain = kafka.producer({ allowAutoTopicCreation: false });
  await Promise.all([ours.connect(), plain.connect()]);
  const figure: Figure = { name: 'produce one message, send to ack', unit: 'ms', ours: [], reference: [], better: 'lower' };
  const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
  try {
    for (let round = 0; round < rounds; round++) {
      const oursMs: number[] = [];
      const plainMs: number[] = [];
      for (let i = 0; i < SENDS; i++) {
        let start = process.hrtime.bigint();
        const report = await sendRecords(ours, await topicFacts(admin, topic), [parseRecord(`message ${i}`, 1, { format: 'text' })]);
        oursMs.push(ms(start));
        if (report.acknowledged !== 1) {
          throw new Error('a single message was not acknowledged');
        }
        start = process.hrtime.bigint();
        await plain.send({ topic, acks: -1, messages: [{ value: `message ${i}` }] });
        plainMs.push(ms(start));
      }
      figure.ours.push(median(oursMs));
      figure.reference.push(median(plainMs));
    }
  } finally {
    await Promise.all([ours.disconnect(), plain.disconnect(), admin.disconnect()]);
  }
  return figure;
}

runAlone(module, async (target) => describe(await benchSingleProduce(target)));
