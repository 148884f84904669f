import { Kafka, KafkaConfig, logLevel, SASLOptions } from 'kafkajs';
import { API_NAMES, LocalBroker, startBroker, BrokerOptions, SANDBOX_PASSWORD, SANDBOX_USER } from '../broker';
import { noteSkipReason } from '../summary';
import { ClusterOffer, probeCluster } from './probe';
import { TopicPool } from './topicPool';

/**
 * Where the integration tests send their traffic: a local broker started for the suite, or, when
 * KAFKA_BROKERS is set, an external Kafka or CKafka instance described by KAFKA_SECURITY_PROTOCOL,
 * KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, whose topics are made beforehand in
 * its console and listed in KAFKA_TEST_TOPICS (see takeTopic).
 */
export interface Target {
  readonly bootstrap: string;
  readonly protocol: 'SASL_PLAINTEXT' | 'SASL_SSL' | 'PLAINTEXT';
  readonly mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  readonly username: string;
  readonly password: string;
  /** The local broker, when the tests started one; undefined against an external broker. */
  readonly local?: LocalBroker;
}

export const external = process.env.KAFKA_BROKERS !== undefined && process.env.KAFKA_BROKERS !== '';

export async function startTarget(options: BrokerOptions = {}): Promise<Target> {
  if (external) {
    return {
      bootstrap: process.env.KAFKA_BROKERS as string,
      protocol: (process.env.KAFKA_SECURITY_PROTOCOL ?? 'SASL_PLAINTEXT') as Target['protocol'],
      mechanism: (process.env.KAFKA_SASL_MECHANISM ?? 'PLAIN') as Target['mechanism'],
      username: process.env.KAFKA_SASL_USERNAME ?? '',
      password: process.env.KAFKA_SASL_PASSWORD ?? '',
    };
  }
  const local = await startBroker({ users: { [SANDBOX_USER]: SANDBOX_PASSWORD }, ...options });
  const [username, password] = Object.entries(local.users)[0] ?? ['', ''];
  return { bootstrap: local.bootstrap, protocol: local.protocol, mechanism: 'PLAIN', username, password, local };
}

/** Skips the running test (call it inside `it`), printing `why` and keeping it for the layer's list of skips. */
export function skipBecause(ctx: Mocha.Context, why: string): never {
  if (ctx.test) {
    noteSkipReason(ctx.test.fullTitle(), why);
  }
  console.log(`      skipped: ${why}`);
  return ctx.skip();
}

/** The local broker, or a skip with the reason when the suite runs against an external one. */
export function localOnly(ctx: Mocha.Context, target: Target, why: string): LocalBroker {
  if (!target.local) {
    skipBecause(ctx, `local broker only: ${why}`);
  }
  return target.local as LocalBroker;
}

/** A suite that means something only against the local broker; against an external one its tests are skipped, each with `why`. */
export function localSuite(title: string, why: string, fn: (this: Mocha.Suite) => void): void {
  if (!external) {
    describe(title, fn);
    return;
  }
  const note = (suite: Mocha.Suite) => {
    suite.tests.forEach((t) => noteSkipReason(t.fullTitle(), `local broker only: ${why}`));
    suite.suites.forEach(note);
  };
  const suite = describe.skip(title, fn);
  if (suite) {
    note(suite);
  }
}

export function kafkaFor(target: Target, overrides: Partial<KafkaConfig> & { password?: string; mechanism?: Target['mechanism'] } = {}): Kafka {
  const { password, mechanism, ...config } = overrides;
  const sasl: SASLOptions | undefined =
    target.protocol === 'PLAINTEXT'
      ? undefined
      : ({ mechanism: (mechanism ?? target.mechanism).toLowerCase(), username: target.username, password: password ?? target.password } as SASLOptions);
  return new Kafka({
    clientId: 'ckafka-vscode-tests',
    brokers: target.bootstrap.split(','),
    ssl: target.protocol === 'SASL_SSL',
    sasl,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 100 },
    ...config,
  });
}

/** A topic (or group) name no earlier run used. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A topic one test has to itself, and where its partitions stood when the test took it. */
export interface TestTopic {
  readonly name: string;
  readonly partitions: number;
  /** Per partition, the log start offset when the topic was taken. */
  readonly earliest: readonly number[];
  /** Per partition, the end offset when the topic was taken: the test's own records begin there. */
  readonly start: readonly number[];
  /** Records the topic held before the test (earlier runs' records); 0 for a new topic. */
  readonly before: number;
  /** The offset of the `index`-th record (from 0) the test writes to `partition`. */
  at(partition: number, index: number): number;
  /** Whether `offset` on `partition` was written after the topic was taken. */
  isNew(partition: number, offset: number | string): boolean;
}

let pool: TopicPool | undefined;

function testTopics(): TopicPool {
  const spec = process.env.KAFKA_TEST_TOPICS ?? '';
  if (spec.trim() === '') {
    throw new Error(
      'Against an external cluster the tests never create topics; they take topics made beforehand in the console. ' +
        'Set KAFKA_TEST_TOPICS to name:partitions,name:partitions,… (the README says how many of which partition count).',
    );
  }
  return (pool ??= TopicPool.parse(spec));
}

if (external && typeof after === 'function') {
  // At the end of the run, how many pre-made topics it used: the figures the README's table states.
  after(() => {
    if (pool) {
      console.log(`  pre-made topics taken from KAFKA_TEST_TOPICS: ${pool.counts().map((c) => `${c.taken} of ${c.total} with ${c.partitions} partition(s)`).join(', ')}`);
    }
  });
}

/**
 * `takeTopic(target, prefix, partitions): Promise<TestTopic>`: a topic of `partitions` partitions for one
 * test, shared with no other test of the run.
 * - Local broker: creates a new topic `<prefix>-<unique suffix>` through the admin API.
 * - External cluster: hands out an unused topic of that partition count from KAFKA_TEST_TOPICS
 *   (`name:partitions,…`, made beforehand in the console). It never creates or deletes a topic. It fails,
 *   naming what is missing, when no such topic is left, or when the cluster does not know the topic or
 *   reports another partition count. Each call uses up one topic for the run: a test that adds a call
 *   raises the counts in the README and in test/externalLayer.ts.
 * The topic may already hold records: read from `start` (and `at`, `isNew`), never assume offset 0 or an
 * empty topic. Settles within 20 s.
 */
export function takeTopic(target: Target, prefix: string, partitions: number): Promise<TestTopic> {
  return takeTopicFrom(target.local ? undefined : testTopics(), target, prefix, partitions);
}

/** takeTopic with the pre-made topics given: from `pool` when there is one, else a new topic. */
export async function takeTopicFrom(pool: TopicPool | undefined, target: Target, prefix: string, partitions: number): Promise<TestTopic> {
  const name = pool ? pool.take(prefix, partitions).name : uniqueTopic(prefix);
  const admin = kafkaFor(target).admin();
  const offsets = await within(
    20_000,
    `taking topic ${name}`,
    (async () => {
      await admin.connect();
      try {
        if (!pool) {
          await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }] });
        }
        return await admin.fetchTopicOffsets(name).catch((error: unknown) => {
          if (!pool) {
            throw error;
          }
          throw new Error(`topic ${name} of KAFKA_TEST_TOPICS cannot be read on the cluster (${(error as Error).message}); create it in the console with ${partitions} partition(s)`);
        });
      } finally {
        await admin.disconnect();
      }
    })(),
  );
  if (offsets.length !== partitions) {
    throw new Error(`KAFKA_TEST_TOPICS lists ${name} with ${partitions} partition(s), but the cluster reports ${offsets.length}`);
  }
  const sorted = [...offsets].sort((a, b) => a.partition - b.partition);
  const earliest = sorted.map((o) => Number(o.low));
  const start = sorted.map((o) => Number(o.high));
  return {
    name,
    partitions,
    earliest,
    start,
    before: start.reduce((n, s, p) => n + s - earliest[p], 0),
    at: (partition, index) => start[partition] + index,
    isNew: (partition, offset) => Number(offset) >= start[partition],
  };
}

/** Rejects naming `what` when `promise` has not settled within `ms`. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const offers = new Map<string, Promise<ClusterOffer>>();

/** What the target says it implements, asked once per bootstrap list (settles within 5 s). */
function offerOf(target: Target): Promise<ClusterOffer> {
  const key = `${target.protocol} ${target.mechanism} ${target.bootstrap}`;
  let offer = offers.get(key);
  if (!offer) {
    offer = probeCluster(target);
    offers.set(key, offer);
  }
  return offer;
}

/** Why the target cannot serve the API `name` at `minVersion` or above, or undefined when it can. */
export async function missingApi(target: Target, name: string, minVersion = 0): Promise<string | undefined> {
  const key = [...API_NAMES].find(([, n]) => n === name)?.[0];
  if (key === undefined) {
    throw new Error(`no API named ${name}`);
  }
  const versions = (await offerOf(target)).apis.get(key);
  if (!versions) {
    return `the cluster does not implement ${name} (API key ${key})`;
  }
  if (versions.max < minVersion) {
    return `the cluster implements ${name} up to v${versions.max}; the test needs v${minVersion}`;
  }
  return undefined;
}

/** Why the target cannot authenticate with `mechanism`, or undefined when it offers it. */
export async function missingMechanism(target: Target, mechanism: Target['mechanism']): Promise<string | undefined> {
  const offered = (await offerOf(target)).mechanisms;
  return offered.includes(mechanism) ? undefined : `the cluster does not offer SASL ${mechanism} (it offers ${offered.join(', ') || 'none'})`;
}

/** Skips the test with the reason when the target does not implement the API `name` (at `minVersion`). */
export async function requireApi(ctx: Mocha.Context, target: Target, name: string, minVersion = 0): Promise<void> {
  const why = await missingApi(target, name, minVersion);
  if (why) {
    skipBecause(ctx, why);
  }
}

/** Polls `check` every 50 ms until it holds, or fails naming `what`. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting until ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
