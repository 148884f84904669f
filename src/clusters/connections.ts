import type { Admin, Kafka } from 'kafkajs';
import * as vscode from 'vscode';
import { ClusterSettings, DEFAULT_TIMEOUTS, kafkaConfig, usesSasl } from '../kafka/cluster';
import { kafkajs } from '../kafka/lib';
import { ClusterProducer } from '../kafka/produce/producer';
import { ClusterStore } from './store';

export type ClusterStatus = 'idle' | 'connected' | 'error';

interface Entry {
  kafka: Kafka;
  admin?: Promise<Admin>;
  producer?: Promise<ClusterProducer>;
}

/**
 * One kafkajs client per cluster, created on first use and reused; dropped when the cluster is edited or
 * removed, and on deactivate. Nothing connects at activation.
 */
export class Connections implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly statuses = new Map<string, ClusterStatus>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with a cluster id when its status changes. */
  readonly onDidChangeStatus = this.changed.event;
  private readonly watcher: vscode.Disposable;

  constructor(
    private readonly store: ClusterStore,
    private readonly askPassword: (cluster: ClusterSettings) => Promise<string | undefined>,
    /** Called whenever a SASL cluster's password is about to be used for a connection. */
    private readonly beforeSasl: (cluster: ClusterSettings) => void = () => undefined,
  ) {
    this.watcher = store.onDidChange((change) => change.settings.forEach((id) => void this.drop(id)));
  }

  status(id: string): ClusterStatus {
    return this.statuses.get(id) ?? 'idle';
  }

  setStatus(id: string, status: ClusterStatus): void {
    if (this.statuses.get(id) !== status) {
      this.statuses.set(id, status);
      this.changed.fire(id);
    }
  }

  /** The kafkajs client for a cluster, asking for the password first if none is stored. */
  async kafka(cluster: ClusterSettings): Promise<Kafka> {
    const existing = this.entries.get(cluster.id);
    if (existing) {
      return existing.kafka;
    }
    const password = usesSasl(cluster) ? await this.password(cluster) : undefined;
    const kafka = new (kafkajs().Kafka)(kafkaConfig(cluster, password, timeouts()));
    this.entries.set(cluster.id, { kafka });
    return kafka;
  }

  /** A connected admin client for the cluster, shared by every view and command. */
  async admin(cluster: ClusterSettings): Promise<Admin> {
    const kafka = await this.kafka(cluster);
    const entry = this.entries.get(cluster.id) as Entry;
    if (!entry.admin) {
      const admin = kafka.admin();
      entry.admin = admin.connect().then(
        () => {
          this.setStatus(cluster.id, 'connected');
          return admin;
        },
        (error: unknown) => {
          entry.admin = undefined;
          this.setStatus(cluster.id, 'error');
          void admin.disconnect().catch(() => undefined);
          throw error;
        },
      );
    }
    return entry.admin;
  }

  /** A connected producer for the cluster (acks=all, idempotent where the cluster allows; see ClusterProducer), kept for later sends. */
  async producer(cluster: ClusterSettings): Promise<ClusterProducer> {
    const kafka = await this.kafka(cluster);
    const entry = this.entries.get(cluster.id) as Entry;
    if (!entry.producer) {
      const producer = new ClusterProducer(kafka);
      entry.producer = producer.connect().then(
        () => producer,
        (error: unknown) => {
          entry.producer = undefined;
          void producer.disconnect().catch(() => undefined);
          throw error;
        },
      );
    }
    return entry.producer;
  }

  /** The stored password, or the one the user types now (then stored); CancellationError if dismissed. */
  async password(cluster: ClusterSettings): Promise<string> {
    this.beforeSasl(cluster);
    const stored = await this.store.password(cluster.id);
    if (stored !== undefined) {
      return stored;
    }
    const typed = await this.askPassword(cluster);
    if (typed === undefined) {
      throw new vscode.CancellationError();
    }
    await this.store.setPassword(cluster.id, typed);
    return typed;
  }

  /** Disconnects a cluster's clients; the next use connects again. */
  async drop(id: string): Promise<void> {
    const entry = this.entries.get(id);
    this.entries.delete(id);
    this.statuses.delete(id);
    this.changed.fire(id);
    const [admin, producer] = await Promise.all([entry?.admin?.catch(() => undefined), entry?.producer?.catch(() => undefined)]);
    await Promise.all([admin?.disconnect().catch(() => undefined), producer?.disconnect().catch(() => undefined)]);
  }

  async disconnectAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.drop(id)));
  }

  dispose(): void {
    void this.disconnectAll();
    this.watcher.dispose();
    this.changed.dispose();
  }
}

/** Client timeouts from the `ckafka.connectionTimeoutMs` setting. */
export function timeouts() {
  const configured = vscode.workspace.getConfiguration('ckafka').get<number>('connectionTimeoutMs');
  const connectionTimeoutMs = typeof configured === 'number' && configured >= 1000 ? configured : DEFAULT_TIMEOUTS.connectionTimeoutMs;
  return { ...DEFAULT_TIMEOUTS, connectionTimeoutMs, requestTimeoutMs: Math.max(connectionTimeoutMs, DEFAULT_TIMEOUTS.requestTimeoutMs) };
}
