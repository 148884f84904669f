import { randomBytes } from 'crypto';
import { Acls, Authorizer } from './acl';
import { Faults } from './faults';
import { Groups } from './groups';
import { TopicSpec, Topics } from './topics';

export type ListenerProtocol = 'SASL_PLAINTEXT' | 'PLAINTEXT';
export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface ClusterOptions {
  /** How many brokers this process hosts (1 to N). */
  brokers: number;
  host: string;
  /** One port per broker; 0 picks a free one. */
  ports: number[];
  protocol: ListenerProtocol;
  mechanisms: SaslMechanism[];
  /** SASL users: name → password. */
  users: Record<string, string>;
  acls: Acls;
  topics: TopicSpec[];
  /** Largest record batch a producer may send, in bytes (CKafka's default: 1 MiB). */
  maxMessageBytes: number;
  autoCreateTopics: boolean;
  /**
   * Topics are made in a console only, as CKafka intends: CreateTopics and DeleteTopics answer
   * POLICY_VIOLATION, and nothing is auto-created (whatever autoCreateTopics says).
   */
  refuseTopicAdmin: boolean;
  /** APIs this broker acts as if it did not implement (by name, e.g. 'DeleteGroups'): not advertised, and a request for one closes the connection. */
  withoutApis: string[];
  /** Where topics and committed offsets persist across restarts; in memory only when unset. */
  dataDir?: string;
  /** How long a new group waits for more members before its first rebalance completes. */
  groupInitialRebalanceDelayMs: number;
  clusterId: string;
  log: (line: string) => void;
}

export const SANDBOX_USER = 'ckafka-sandbox#dev';
export const SANDBOX_PASSWORD = 'ckafka-sandbox-secret';

export function resolveOptions(partial: Partial<ClusterOptions>): ClusterOptions {
  const brokers = partial.brokers ?? partial.ports?.length ?? 1;
  return {
    brokers,
    host: partial.host ?? '127.0.0.1',
    ports: partial.ports ?? Array.from({ length: brokers }, () => 0),
    protocol: partial.protocol ?? 'SASL_PLAINTEXT',
    mechanisms: partial.mechanisms ?? ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
    users: partial.users ?? { [SANDBOX_USER]: SANDBOX_PASSWORD },
    acls: partial.acls ?? {},
    topics: partial.topics ?? [],
    maxMessageBytes: partial.maxMessageBytes ?? 1024 * 1024,
    autoCreateTopics: !partial.refuseTopicAdmin && (partial.autoCreateTopics ?? false),
    refuseTopicAdmin: partial.refuseTopicAdmin ?? false,
    withoutApis: partial.withoutApis ?? [],
    dataDir: partial.dataDir,
    groupInitialRebalanceDelayMs: partial.groupInitialRebalanceDelayMs ?? 0,
    clusterId: partial.clusterId ?? `ckafka-local-${randomBytes(4).toString('hex')}`,
    log: partial.log ?? (() => undefined),
  };
}

/** A broker's identity and whether it is serving. */
export interface BrokerNode {
  readonly id: number;
  readonly host: string;
  port: number;
  up: boolean;
}

/** Everything the brokers of one process share: topics, groups, users, ACLs and faults. */
export class Cluster {
  readonly topics = new Topics();
  readonly auth: Authorizer;
  readonly faults = new Faults();
  readonly groups: Groups;
  readonly nodes: BrokerNode[];
  /** Requests the brokers have answered, by API key: what clients asked for, for tests to check. */
  readonly requestsByApi = new Map<number, number>();
  /** Bumped whenever a broker stops or starts, and returned as every partition's leader epoch. */
  leaderEpoch = 0;
  private nextProducerId = 1000;

  constructor(readonly options: ClusterOptions) {
    this.auth = new Authorizer(options.acls);
    this.nodes = options.ports.map((port, id) => ({ id, host: options.host, port, up: false }));
    this.groups = new Groups(this);
    const loaded = options.dataDir !== undefined && this.topics.load(options.dataDir);
    if (options.dataDir !== undefined) {
      this.groups.load(options.dataDir);
    }
    for (const spec of options.topics) {
      if (!this.topics.get(spec.name)) {
        this.topics.create(spec);
      }
    }
    if (loaded) {
      // Producer ids in the loaded logs stay taken, so a new producer never continues an old one's sequence.
      this.nextProducerId = Math.max(this.nextProducerId, this.topics.highestProducerId() + 1);
      options.log(`loaded topics from ${options.dataDir}`);
    }
  }

  log(line: string): void {
    this.options.log(line);
  }

  liveNodes(): BrokerNode[] {
    return this.nodes.filter((n) => n.up);
  }

  /** The partition's leader: its preferred broker when up, else the next live one (as if a replica took over). */
  leaderOf(topic: string, partition: number): number {
    const n = this.nodes.length;
    const preferred = (hash(topic) + partition) % n;
    for (let i = 0; i < n; i++) {
      const node = this.nodes[(preferred + i) % n];
      if (node.up) {
        return node.id;
      }
    }
    return -1;
  }

  /** The one group coordinator: broker 0 when up, else the lowest live broker. */
  coordinatorId(): number {
    return this.liveNodes()[0]?.id ?? -1;
  }

  allocateProducerId(): number {
    return this.nextProducerId++;
  }

  private saveTimer: NodeJS.Timeout | undefined;

  /** Schedules a save to the data directory, when there is one. */
  markDirty(): void {
    if (this.options.dataDir !== undefined && !this.saveTimer) {
      this.saveTimer = setTimeout(() => {
        this.saveTimer = undefined;
        this.save();
      }, 500);
      this.saveTimer.unref();
    }
  }

  /** Writes pending data and stops every timer the cluster owns. */
  close(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.save();
    this.groups.close();
  }

  save(): void {
    if (this.options.dataDir !== undefined) {
      this.topics.save(this.options.dataDir);
      this.groups.save(this.options.dataDir);
    }
  }
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    h = (h * 31 + s.charCodeAt(i)) >>> 0;
  }
  return h;
}
