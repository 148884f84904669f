import { spawn } from 'child_process';
import { Target } from '../test/integration/env';
import { kcatConnection } from '../test/integration/kcat';
import { describe, Figure, kcatOrThrow, runAlone } from './common';
import { ConsumerThread } from '../src/kafka/consumerThread';
import { consumerOf, createTopic } from './consume';

/**
 * `npm run bench:first`: time to first record. From starting a consumer (ephemeral group, from earliest)
 * on a topic that already holds records to the first line reaching the output sink, against `kcat -G` with
 * a fresh group on the same topic, from spawning it to its first line on stdout (kcat's start-up included).
 * Warmed: the consumer thread was started a second before (ConsumerThread.warm), as Start Consumer does
 * while the user answers its prompts.
 */
const TOPIC_RECORDS = 1000;

function kcatFirstLine(target: Target, topic: string): Promise<number> {
  const args = [...kcatConnection(target), '-X', 'auto.offset.reset=earliest', '-q', '-G', `bench-first-${Date.now()}-${Math.random().toString(36).slice(2)}`, topic];
  const started = process.hrtime.bigint();
  const child = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => {
      resolve(Number(process.hrtime.bigint() - started) / 1e6);
      child.kill('SIGKILL');
    });
    child.once('exit', (code) => reject(new Error(`kcat -G exited with ${code} before printing a record`)));
  });
}

async function oursFirstLine(target: Target, topic: string, warmed: boolean): Promise<number> {
  const thread = new ConsumerThread();
  if (warmed) {
    thread.warm();
    await new Promise((r) => setTimeout(r, 1000));
  }
  const c = consumerOf(target, topic, thread);
  const started = process.hrtime.bigint();
  let firstLine: number | undefined;
  const append = c.sink.append.bind(c.sink);
  c.sink.append = (text: string) => {
    firstLine ??= Number(process.hrtime.bigint() - started) / 1e6;
    append(text);
  };
  await c.session.start();
  while (firstLine === undefined) {
    await new Promise((r) => setTimeout(r, 1));
  }
  await c.session.stop();
  return firstLine;
}

export async function benchFirstRecord(target: Target, rounds = 3, warmed = false): Promise<Figure> {
  const topic = `bench-first-${Date.now().toString(36)}`;
  await createTopic(target, topic);
  await kcatOrThrow(target, ['-P', '-t', topic], Array.from({ length: TOPIC_RECORDS }, (_, i) => `record ${i}`).join('\n'));
  const name = `time to first record (fresh group, from earliest${warmed ? ', consumer thread warmed' : ''})`;
  const figure: Figure = { name, unit: 'ms', ours: [], reference: [], better: 'lower' };
  for (let round = 0; round < rounds; round++) {
    figure.reference.push(await kcatFirstLine(target, topic));
    figure.ours.push(await oursFirstLine(target, topic, warmed));
  }
  return figure;
}

runAlone(module, async (target) => `${describe(await benchFirstRecord(target))}\n${describe(await benchFirstRecord(target, 3, true))}`);
