import * as assert from 'assert';
import * as v8 from 'v8';
import * as vm from 'vm';
import type { Kafka } from 'kafkajs';
import { ClusterSettings, kafkaConfig } from '../../src/kafka/cluster';
import { ConsumerSession, ephemeralGroupId } from '../../src/kafka/consume';
import { kafkajs } from '../../src/kafka/lib';
import { parseLines } from '../../src/kafka/produce/parse';
import { sendRecords, topicFacts } from '../../src/kafka/produce/send';
import { ClusterProducer } from '../../src/kafka/produce/producer';
import { localOnly, startTarget, takeTopic, Target, waitUntil } from './env';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Active handles and requests by type (sockets, timers…), as Node reports them. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

const CYCLES = 10;

describe('clean shutdown of consumers and producers', function () {
  this.timeout(300_000);
  let target: Target;

  before(async () => {
    target = await startTarget({ brokers: 2, groupInitialRebalanceDelayMs: 0 });
  });
  after(async () => target?.local?.stop());

  it(`${CYCLES} start/stop cycles of a producer and an ephemeral consumer leave no socket, timer, group or memory behind`, async function () {
    const local = localOnly(this, target, "counts the local broker's open connections");
    const settings: ClusterSettings = { id: 'c', name: 'c', bootstrapServers: target.bootstrap, securityProtocol: target.protocol, saslMechanism: target.mechanism, username: target.username };
    const config = kafkaConfig(settings, target.password);
    const topic = (await takeTopic(target, 'cleanup', 2)).name;
    await waitUntil(() => local.openConnections().every((n) => n === 0), 'the set-up connections closed');

    const cycle = async (n: number): Promise<string[]> => {
      const kafka: Kafka = new (kafkajs().Kafka)(config);
      const admin = kafka.admin();
      await admin.connect();
      const producer = new ClusterProducer(kafka);
      await producer.connect();
      let received = 0;
      const groupId = ephemeralGroupId('cleanup');
      const session = new ConsumerSession(config, { topic, groupId, ephemeral: true, from: { kind: 'latest' }, onBatch: ({ records }) => void (received += records.length) });
      await session.start();
      const records = await parseLines(Array.from({ length: 200 }, (_, i) => `cycle-${n}-${i}`).join('\n'), 1, { format: 'text' });
      const report = await sendRecords(producer, await topicFacts(admin, topic), records);
      assert.strictEqual(report.acknowledged, 200);
      await waitUntil(() => received >= 200, `cycle ${n}: the consumer read its records`);
      const deleted = await session.stop();
      assert.strictEqual(deleted, true, 'the ephemeral group was deleted');
      await producer.disconnect();
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      await admin.disconnect();
      return groups.filter((g) => g === groupId);
    };

    // One cycle first, so that what loads once (modules, caches) is not counted as growth.
    await cycle(0);
    await waitUntil(() => local.openConnections().every((n) => n === 0), 'no connection open after the warm-up');
    const heapBefore = await heapAfterGc();
    const before = resources();
    const rows: string[] = [];
    for (let n = 1; n <= CYCLES; n++) {
      const left = await cycle(n);
      assert.deepStrictEqual(left, [], `cycle ${n}: the ephemeral group is gone`);
      await waitUntil(() => local.openConnections().every((c) => c === 0), `cycle ${n}: every connection closed (open: ${local.openConnections().join(', ')})`);
      const heap = await heapAfterGc();
      const now = resources();
      rows.push(`cycle ${n}: heap ${(heap / 1e6).toFixed(1)} MB, handles ${JSON.stringify(now)}`);
    }
    const heapAfter = await heapAfterGc();
    const after = resources();
    console.log(`      before: heap ${(heapBefore / 1e6).toFixed(1)} MB, handles ${JSON.stringify(before)}`);
    rows.forEach((r) => console.log(`      ${r}`));
    console.log(`      growth over ${CYCLES} cycles: heap ${((heapAfter - heapBefore) / 1e6).toFixed(2)} MB`);
    // The process's own handles (the broker's listening sockets, mocha's timers) are the same before and after.
    for (const type of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (type === 'TTYWrap' || type === 'FSReqCallback') {
        continue;
      }
      assert.ok((after[type] ?? 0) <= (before[type] ?? 0), `${type}: ${before[type] ?? 0} before, ${after[type] ?? 0} after`);
    }
    assert.ok(heapAfter - heapBefore < 5e6, `heap grew by ${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB over ${CYCLES} cycles`);
  });
});
