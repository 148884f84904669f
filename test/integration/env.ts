import { Kafka, KafkaConfig, logLevel, SASLOptions } from 'kafkajs';
import { LocalBroker, startBroker, BrokerOptions, SANDBOX_PASSWORD, SANDBOX_USER } from '../broker';

/**
 * Where the integration tests send their traffic: a local broker started for the suite, or, when
 * KAFKA_BROKERS is set, an external Kafka or CKafka instance described by KAFKA_SECURITY_PROTOCOL,
 * KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD.
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

/** The local broker, or a skip with the reason when the suite runs against an external one. */
export function localOnly(ctx: Mocha.Context, target: Target, why: string): LocalBroker {
  if (!target.local) {
    console.log(`      skipped against an external broker: ${why}`);
    ctx.skip();
  }
  return target.local as LocalBroker;
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
    retry: { retries: 3, initialRetryTime: 100 },
    ...config,
  });
}

/** A topic name no earlier run used. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
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
