import { APIS } from './apis';
import { ErrorCode } from './protocol/errors';
import { BrokerServer } from './server';
import { Cluster, ClusterOptions, resolveOptions } from './state/cluster';
import { MalformMode } from './state/faults';

export { ErrorCode } from './protocol/errors';
export { SANDBOX_PASSWORD, SANDBOX_USER } from './state/cluster';
export type { ClusterOptions, ListenerProtocol, SaslMechanism } from './state/cluster';
export type { UserAcl } from './state/acl';
export type { TopicSpec } from './state/topics';
export { parseTopicList } from './state/topics';

/** The name of every API the broker implements (what `withoutApis` may name), by key. */
export const API_NAMES: ReadonlyMap<number, string> = new Map(APIS.map((api) => [api.key, api.name]));

export type BrokerOptions = Partial<Omit<ClusterOptions, 'log'>> & { log?: (line: string) => void };

/** What tests use to break the brokers on purpose. */
export interface FaultControls {
  stopBroker(nodeId: number): Promise<void>;
  startBroker(nodeId: number): Promise<void>;
  /** Stops a broker, waits `downMs`, and starts it again on the same port. */
  restartBroker(nodeId: number, downMs?: number): Promise<void>;
  stopAll(): Promise<void>;
  startAll(): Promise<void>;
  /** Closes every open client connection (of one broker, or of all). */
  dropConnections(nodeId?: number): void;
  /** Delays responses by `ms` (of one API key, or all); 0 removes the delay. */
  delay(ms: number, apiKey?: number): void;
  /** The next `count` requests of `apiKey` answer with `errorCode`. */
  failNext(apiKey: number, count: number, errorCode: number): void;
  /** The next `count` responses are malformed: truncated, with a wrong length, or with a wrong correlation ID. */
  malform(mode: MalformMode, count: number): void;
  /**
   * Forgets every idempotent producer's sequence state, as Kafka does after `producer.id.expiration.ms`:
   * the next batch of a producer that already wrote is refused with UNKNOWN_PRODUCER_ID.
   */
  expireProducers(): void;
  /** Removes every injected failure, delay and malformation. */
  clear(): void;
}

export interface LocalBroker {
  /** `host:port,host:port` of every broker. */
  readonly bootstrap: string;
  readonly brokers: string[];
  readonly protocol: ClusterOptions['protocol'];
  readonly users: Record<string, string>;
  readonly cluster: Cluster;
  readonly faults: FaultControls;
  /** Client connections open now, per broker. */
  openConnections(): number[];
  stop(): Promise<void>;
}

/** Starts 1 to N brokers in this process on 127.0.0.1; CKafka's behaviour is the default. */
export async function startBroker(options: BrokerOptions = {}): Promise<LocalBroker> {
  const unknown = (options.withoutApis ?? []).filter((name) => ![...API_NAMES.values()].includes(name));
  if (unknown.length > 0) {
    throw new Error(`withoutApis: no API named ${unknown.join(', ')}; the broker implements ${[...API_NAMES.values()].join(', ')}`);
  }
  const cluster = new Cluster(resolveOptions(options));
  const servers = cluster.nodes.map((node) => new BrokerServer(cluster, node));
  const server = (id: number) => {
    const s = servers[id];
    if (!s) {
      throw new Error(`no broker ${id}; brokers are 0..${servers.length - 1}`);
    }
    return s;
  };
  try {
    for (const s of servers) {
      await s.start();
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    cluster.close();
    throw error;
  }
  const brokers = cluster.nodes.map((n) => `${n.host}:${n.port}`);
  const faults: FaultControls = {
    stopBroker: (id) => server(id).stop(),
    startBroker: (id) => server(id).start(),
    restartBroker: async (id, downMs = 500) => {
      await server(id).stop();
      await new Promise((r) => setTimeout(r, downMs));
      await server(id).start();
    },
    stopAll: async () => {
      await Promise.all(servers.map((s) => s.stop()));
    },
    startAll: async () => {
      for (const s of servers) {
        await s.start();
      }
    },
    dropConnections: (id) => (id === undefined ? servers : [server(id)]).forEach((s) => s.dropConnections()),
    delay: (ms, apiKey) => cluster.faults.delay(ms, apiKey),
    failNext: (apiKey, count, code) => cluster.faults.failNext(apiKey, count, code),
    malform: (mode, count) => cluster.faults.malform(mode, count),
    expireProducers: () => cluster.topics.all().forEach((t) => t.partitions.forEach((p) => p.expireProducers())),
    clear: () => cluster.faults.clear(),
  };
  return {
    bootstrap: brokers.join(','),
    brokers,
    protocol: cluster.options.protocol,
    users: cluster.options.users,
    cluster,
    faults,
    openConnections: () => servers.map((s) => s.openConnections),
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
      cluster.close();
    },
  };
}

/** Error names for logs: `ERROR_NAME(29)` → 'TOPIC_AUTHORIZATION_FAILED'. */
export function errorName(code: number): string {
  return Object.entries(ErrorCode).find(([, c]) => c === code)?.[0] ?? `error ${code}`;
}
