import { Kafka, logLevel } from 'kafkajs';
import { parseArgs } from 'util';
import { BrokerOptions, ListenerProtocol, LocalBroker, parseTopicList, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '.';

/**
 * `npm run sandbox:broker`: local CKafka-like brokers in the foreground, with demo topics and records.
 * Flags (or environment): --port (CKAFKA_SANDBOX_PORT, first broker's port; the others follow),
 * --brokers (CKAFKA_SANDBOX_BROKERS), --protocol SASL_PLAINTEXT|PLAINTEXT (CKAFKA_SANDBOX_PROTOCOL),
 * --user name=password, repeatable (CKAFKA_SANDBOX_USERS, comma-separated), --data-dir (CKAFKA_SANDBOX_DATA),
 * --topic name:partitions, repeatable (CKAFKA_SANDBOX_TOPICS, comma-separated): more topics made at start,
 * --refuse-topic-admin (CKAFKA_SANDBOX_REFUSE_TOPIC_ADMIN=1): CreateTopics and DeleteTopics answer
 * POLICY_VIOLATION and nothing is auto-created, as on a CKafka instance whose topics are made in the console,
 * --without-api Name, repeatable (CKAFKA_SANDBOX_WITHOUT_APIS, comma-separated): act as if that API were not implemented.
 */
const HELP = `usage: npm run sandbox:broker -- [--port 9092] [--brokers 1] [--protocol SASL_PLAINTEXT|PLAINTEXT] [--user name=password ...] [--data-dir DIR]
                                 [--topic name:partitions ...] [--refuse-topic-admin] [--without-api DeleteGroups ...]`;

const DEMO_TOPICS = [
  { name: 'orders', partitions: 3 },
  { name: 'events', partitions: 1 },
];

function options() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      brokers: { type: 'string' },
      protocol: { type: 'string' },
      user: { type: 'string', multiple: true },
      'data-dir': { type: 'string' },
      topic: { type: 'string', multiple: true },
      'refuse-topic-admin': { type: 'boolean' },
      'without-api': { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const env = process.env;
  const firstPort = Number(values.port ?? env.CKAFKA_SANDBOX_PORT ?? 9092);
  const brokers = Number(values.brokers ?? env.CKAFKA_SANDBOX_BROKERS ?? 1);
  const protocol = (values.protocol ?? env.CKAFKA_SANDBOX_PROTOCOL ?? 'SASL_PLAINTEXT').toUpperCase();
  if (!Number.isInteger(firstPort) || firstPort < 0 || firstPort > 65535 || !Number.isInteger(brokers) || brokers < 1 || brokers > 16) {
    throw new Error(`bad --port or --brokers\n${HELP}`);
  }
  if (protocol !== 'SASL_PLAINTEXT' && protocol !== 'PLAINTEXT') {
    throw new Error(`--protocol must be SASL_PLAINTEXT or PLAINTEXT, not ${protocol}\n${HELP}`);
  }
  const userSpecs = values.user ?? (env.CKAFKA_SANDBOX_USERS ? env.CKAFKA_SANDBOX_USERS.split(',') : []);
  const users: Record<string, string> = userSpecs.length === 0 ? { [SANDBOX_USER]: SANDBOX_PASSWORD } : {};
  for (const spec of userSpecs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new Error(`--user takes name=password, not "${spec}"`);
    }
    users[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  const ports = Array.from({ length: brokers }, (_, i) => (firstPort === 0 ? 0 : firstPort + i));
  const topics = parseTopicList((values.topic ?? [env.CKAFKA_SANDBOX_TOPICS ?? '']).join(','), '--topic');
  const refuseTopicAdmin = values['refuse-topic-admin'] ?? env.CKAFKA_SANDBOX_REFUSE_TOPIC_ADMIN === '1';
  const withoutApis = (values['without-api'] ?? (env.CKAFKA_SANDBOX_WITHOUT_APIS ?? '').split(',')).map((a) => a.trim()).filter((a) => a !== '');
  return { ports, protocol: protocol as ListenerProtocol, users, dataDir: values['data-dir'] ?? env.CKAFKA_SANDBOX_DATA, topics, refuseTopicAdmin, withoutApis };
}

/** Seeds the demo topics with records the first time (a persisted sandbox keeps its own). */
async function seed(bootstrap: string, protocol: ListenerProtocol, user: string, password: string): Promise<void> {
  const kafka = new Kafka({
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    sasl: protocol === 'PLAINTEXT' ? undefined : { mechanism: 'plain', username: user, password },
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const start = Date.now() - 60 * 60_000;
  const statuses = ['created', 'paid', 'shipped', 'delivered'];
  await producer.send({
    topic: 'orders',
    acks: -1,
    messages: Array.from({ length: 300 }, (_, i) => ({
      key: `order-${1000 + i}`,
      value: JSON.stringify({ id: 1000 + i, item: ['键盘', 'mouse', '显示器', 'cable'][i % 4], amount: ((i * 37) % 500) + 0.99, status: statuses[i % 4] }),
      headers: { source: 'sandbox' },
      timestamp: String(start + i * 10_000),
    })),
  });
  await producer.send({
    topic: 'events',
    acks: -1,
    messages: Array.from({ length: 50 }, (_, i) => ({ value: `event ${i}: user ${i % 7} signed in`, timestamp: String(start + i * 60_000) })),
  });
  await producer.disconnect();
}

/** Starts the brokers with the demo topics (and `options.topics`), seeding the demo records unless a persisted sandbox has its own. */
export async function startSandboxBroker(options: BrokerOptions): Promise<LocalBroker> {
  const broker = await startBroker({ ...options, topics: [...DEMO_TOPICS, ...(options.topics ?? []).filter((t) => !DEMO_TOPICS.some((d) => d.name === t.name))] });
  const [user, password] = Object.entries(broker.users)[0] ?? ['', ''];
  const demo = broker.cluster.topics.all().filter((t) => DEMO_TOPICS.some((d) => d.name === t.name));
  const empty = demo.every((t) => t.partitions.every((p) => p.nextOffset === 0));
  if (empty) {
    await seed(broker.bootstrap, broker.protocol, user, password);
  }
  return broker;
}

async function main(): Promise<void> {
  const opts = options();
  const broker = await startSandboxBroker({ ...opts, log: (line) => console.log(`${new Date().toISOString()} ${line}`) });
  console.log('');
  console.log('CKafka sandbox is running. Press Ctrl-C to stop.');
  console.log(`  bootstrap servers : ${broker.bootstrap}`);
  console.log(`  security protocol : ${broker.protocol}${broker.protocol === 'PLAINTEXT' ? '' : ' (SASL mechanism PLAIN; SCRAM-SHA-256/512 also accepted)'}`);
  if (broker.protocol !== 'PLAINTEXT') {
    for (const [name, pass] of Object.entries(broker.users)) {
      console.log(`  user / password   : ${name} / ${pass}`);
    }
  }
  console.log(`  topics            : ${broker.cluster.topics.all().map((t) => `${t.name} (${t.partitions.length})`).join(', ')}`);
  console.log(`  data              : ${opts.dataDir ?? 'in memory'}`);
  if (opts.refuseTopicAdmin) {
    console.log('  topic admin       : refused (CreateTopics and DeleteTopics answer POLICY_VIOLATION; no auto-creation)');
  }
  if (opts.withoutApis.length > 0) {
    console.log(`  not implemented   : ${opts.withoutApis.join(', ')}`);
  }
  console.log('');
  stopOnSignals(() => broker.stop());
}

/** Ctrl-C or SIGTERM runs `stop` once, says so, and exits. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = async () => {
    if (!stopping) {
      stopping = true;
      console.log('stopping the sandbox...');
      await stop();
      console.log('stopped.');
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void onSignal());
  process.on('SIGTERM', () => void onSignal());
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
