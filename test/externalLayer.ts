import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { SUMMARY_ENV, Summary } from './summary';

/**
 * The `integration-external` layer: the integration layer's files in external mode, against a cluster
 * that behaves as a CKafka instance whose topics are made in the console. A second local broker runs in a
 * process of its own (`sandbox.js --refuse-topic-admin --topic …`: CreateTopics and DeleteTopics answer
 * POLICY_VIOLATION, nothing is auto-created), its pre-made topics already hold records of an "earlier run",
 * and the tests reach it only through KAFKA_BROKERS, KAFKA_SASL_* and KAFKA_TEST_TOPICS. The layer passes
 * when every test passes or is skipped with its reason, and the broker stops leaving nothing behind.
 *
 * CKAFKA_EXTERNAL_BROKER_ARGS adds flags to the broker (e.g. `--without-api DeleteGroups`);
 * CKAFKA_EXTERNAL_TIMEOUT_MS bounds the whole layer (default 15 minutes).
 */

/** Pre-made topics external mode needs, by partition count: the README's table says the same. */
export const EXTERNAL_TOPICS: Record<number, number> = { 3: 20, 1: 12 };

const BOUND_MS = Number(process.env.CKAFKA_EXTERNAL_TIMEOUT_MS ?? 15 * 60_000);
const USER = 'ckafka-external#tests';

function poolTopics(): { name: string; partitions: number }[] {
  return Object.entries(EXTERNAL_TOPICS).flatMap(([partitions, count]) =>
    Array.from({ length: count }, (_, i) => ({ name: `it-${partitions}p-${String(i + 1).padStart(2, '0')}`, partitions: Number(partitions) })),
  );
}

/** Resolves with the child's exit code, or with null once `ms` have passed (the child is then killed). */
function exitWithin(child: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve(child.exitCode);
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** How long the layer's process may stay alive after writing its results. */
const LINGER_MS = 15_000;

/**
 * Waits for the layer to exit: its exit code, 'lingered' when it stays alive LINGER_MS after writing its
 * results (something a test opened is still open), or 'bound' when the whole layer exceeds BOUND_MS.
 */
async function layerExit(layer: ChildProcess, summaryFile: string, started: number): Promise<number | 'bound' | 'lingered'> {
  let exited: number | null | undefined;
  layer.once('exit', (code) => (exited = code));
  let reportedAt: number | undefined;
  while (exited === undefined) {
    await new Promise((r) => setTimeout(r, 200));
    reportedAt ??= fs.existsSync(summaryFile) ? Date.now() : undefined;
    const outcome = Date.now() - started > BOUND_MS ? 'bound' : reportedAt !== undefined && Date.now() - reportedAt > LINGER_MS ? 'lingered' : undefined;
    if (outcome && exited === undefined) {
      layer.kill('SIGKILL');
      return outcome;
    }
  }
  return exited ?? -1;
}

interface BrokerProcess {
  child: ChildProcess;
  bootstrap: string;
  output: () => string;
}

async function startBrokerProcess(password: string, topics: { name: string; partitions: number }[]): Promise<BrokerProcess> {
  const extra = (process.env.CKAFKA_EXTERNAL_BROKER_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
  const args = ['--port', '0', '--brokers', '3', '--refuse-topic-admin', '--user', `${USER}=${password}`, ...topics.flatMap((t) => ['--topic', `${t.name}:${t.partitions}`]), ...extra];
  const child = spawn(process.execPath, [path.join(__dirname, 'broker', 'sandbox.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!/user \/ password/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the broker did not start within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // CKafka hands out one address; the other brokers are learnt from metadata.
  const bootstrap = (/bootstrap servers : (\S+)/.exec(out)?.[1] ?? '').split(',')[0];
  return { child, bootstrap, output: () => out };
}

/** Records of an earlier run: the tests must read from the offsets they find, not from 0. */
async function seedEarlierRecords(bootstrap: string, password: string, topics: { name: string; partitions: number }[]): Promise<number> {
  const kafka = new Kafka({ brokers: [bootstrap], sasl: { mechanism: 'plain', username: USER, password }, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let count = 0;
  const hourAgo = Date.now() - 3_600_000;
  for (const [i, topic] of topics.entries()) {
    const messages = Array.from({ length: topic.partitions }, (_, p) => Array.from({ length: (i + p) % 4 }, (_, n) => ({ partition: p, value: `earlier run ${n}`, timestamp: String(hourAgo + n) }))).flat();
    if (messages.length > 0) {
      await producer.send({ topic: topic.name, acks: -1, messages });
      count += messages.length;
    }
  }
  await producer.disconnect();
  return count;
}

function portClosed(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const topics = poolTopics();
  const password = randomBytes(12).toString('hex');
  const summaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-external-'));
  const problems: string[] = [];
  let summary: Summary = { passed: 0, failed: 0, skipped: 0 };
  let broker: BrokerProcess | undefined;
  let layer: ChildProcess | undefined;
  const abort = () => {
    layer?.kill('SIGKILL');
    broker?.child.kill('SIGKILL');
    process.exit(130);
  };
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  try {
    broker = await startBrokerProcess(password, topics);
    const seeded = await seedEarlierRecords(broker.bootstrap, password, topics);
    console.log(
      `  broker process ${broker.child.pid} on ${broker.bootstrap}: topic admin refused; ${topics.length} pre-made topics ` +
        `(${Object.entries(EXTERNAL_TOPICS)
          .map(([p, n]) => `${n} of ${p} partition(s)`)
          .join(', ')}) holding ${seeded} records of an earlier run`,
    );
    const summaryFile = path.join(summaryDir, 'summary.json');
    layer = spawn(process.execPath, [path.join(__dirname, 'layer.js'), 'integration'], {
      stdio: 'inherit',
      env: {
        ...process.env,
        KAFKA_BROKERS: broker.bootstrap,
        KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
        KAFKA_SASL_MECHANISM: 'PLAIN',
        KAFKA_SASL_USERNAME: USER,
        KAFKA_SASL_PASSWORD: password,
        KAFKA_TEST_TOPICS: topics.map((t) => `${t.name}:${t.partitions}`).join(','),
        [SUMMARY_ENV]: summaryFile,
      },
    });
    const code = await layerExit(layer, summaryFile, started);
    if (code === 'bound') {
      problems.push(`the integration layer did not finish within ${BOUND_MS / 1000} s and was killed`);
    } else if (code === 'lingered') {
      problems.push(`the integration layer's process was still alive ${LINGER_MS / 1000} s after its last test (a connection or timer left open) and was killed`);
    }
    if (fs.existsSync(summaryFile)) {
      summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as Summary;
    } else {
      problems.push(`the integration layer ended (code ${code}) without reporting results`);
    }
    const unexplained = (summary.skips ?? []).filter((s) => !s.reason);
    if (unexplained.length > 0) {
      problems.push(`skipped without a reason: ${unexplained.map((s) => s.test).join('; ')}`);
    }
  } catch (error) {
    problems.push(`could not run: ${(error as Error).message}`);
  } finally {
    if (broker) {
      broker.child.kill('SIGINT');
      const code = await exitWithin(broker.child, 10_000);
      if (code !== 0 || !/stopped\./.test(broker.output())) {
        problems.push(`the broker process did not stop cleanly (exit code ${code})`);
      }
      if (!(await portClosed(broker.bootstrap))) {
        problems.push(`${broker.bootstrap} still accepts connections after the broker stopped`);
      }
      if (problems.length > 0) {
        console.log(`\n  broker output:\n${broker.output().split(password).join('***').replace(/^/gm, '    ')}`);
      }
    }
    fs.rmSync(summaryDir, { recursive: true, force: true });
  }
  for (const p of problems) {
    console.log(`  integration-external: ${p}`);
  }
  const failed = summary.failed + problems.length;
  console.log(`  integration-external: ${summary.passed} passed, ${failed} failed, ${summary.skipped} skipped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const file = process.env[SUMMARY_ENV];
  if (file) {
    const failures = [...(summary.failures ?? []), ...problems.map((error) => ({ test: '(the external broker and its layer)', error }))];
    fs.writeFileSync(file, JSON.stringify({ ...summary, failed, failures }));
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

void main();
