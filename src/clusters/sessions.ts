import type { Admin, Kafka } from 'kafkajs';
import * as vscode from 'vscode';
import { config } from '../config';
import { ClusterSettings, DEFAULT_TIMEOUTS, kafkaConfig, usesSasl } from '../kafka/cluster';
import { kafkajs } from '../kafka/lib';
import { ClusterProducer } from '../kafka/produce/producer';
import { ClusterStore } from './store';

export type ClusterStatus = 'idle' | 'connected' | 'error';

/** A cluster's settings or password changed: its settings now (undefined once removed), and whether its password changed. */
export interface ClusterChangeEvent {
  id: string;
  settings: ClusterSettings | undefined;
  passwordChanged: boolean;
}

/** Whether two settings of one cluster differ in their name at most. */
export function onlyRenamed(before: ClusterSettings, after: ClusterSettings): boolean {
  return JSON.stringify({ ...before, name: '' }) === JSON.stringify({ ...after, name: '' });
}

interface SessionDeps {
  store: ClusterStore;
  askPassword(cluster: ClusterSettings): Promise<string | undefined>;
  /** Called whenever a SASL cluster's password is about to be used for a connection. */
  beforeSasl(cluster: ClusterSettings): void;
  statusChanged(id: string): void;
}

/** A promise whose value, once it arrives, is disconnected: for clients built from settings that changed meanwhile. */
function discard(client: Promise<{ disconnect(): Promise<void> }> | undefined): void {
  void client?.then(
    (c) => c.disconnect().catch(() => undefined),
    () => undefined,
  );
}

/**
 * Everything about one cluster: its settings as last read, its password lookup (one prompt at a time), and
 * its kafkajs admin and producer, each created once however many callers ask at the same time. When the
 * settings or the password change, the generation moves on: clients built before are closed, and a caller
 * whose client was built from the old settings gets one built from the new.
 */
export class ClusterSession {
  private generation = 0;
  private passwordLookup: Promise<string> | undefined;
  private kafkaClient: Promise<Kafka> | undefined;
  private adminClient: Promise<Admin> | undefined;
  private producerClient: Promise<ClusterProducer> | undefined;
  private statusValue: ClusterStatus = 'idle';
  private closed = false;

  constructor(
    private current: ClusterSettings,
    private readonly deps: SessionDeps,
  ) {}

  get settings(): ClusterSettings {
    return this.current;
  }

  get status(): ClusterStatus {
    return this.statusValue;
  }

  setStatus(status: ClusterStatus): void {
    if (this.statusValue !== status) {
      this.statusValue = status;
      this.deps.statusChanged(this.current.id);
    }
  }

  /** The stored password, or the one the user types now (then stored); CancellationError if dismissed. One prompt at a time. */
  password(): Promise<string> {
    this.deps.beforeSasl(this.current);
    if (!this.passwordLookup) {
      const lookup = this.lookUpPassword(this.current);
      this.passwordLookup = lookup;
      lookup.catch(() => {
        if (this.passwordLookup === lookup) {
          this.passwordLookup = undefined;
        }
      });
    }
    return this.passwordLookup;
  }

  private async lookUpPassword(cluster: ClusterSettings): Promise<string> {
    const stored = await this.deps.store.password(cluster.id);
    if (stored !== undefined) {
      return stored;
    }
    const typed = await this.deps.askPassword(cluster);
    if (typed === undefined) {
      throw new vscode.CancellationError();
    }
    await this.deps.store.setPassword(cluster.id, typed);
    return typed;
  }

  /** The kafkajs client for the current settings. */
  kafka(): Promise<Kafka> {
    this.kafkaClient ??= this.createKafka();
    return this.kafkaClient;
  }

  private async createKafka(): Promise<Kafka> {
    const cluster = this.current;
    const password = usesSasl(cluster) ? await this.password() : undefined;
    return new (kafkajs().Kafka)(kafkaConfig(cluster, password, timeouts()));
  }

  /** A connected admin client for the current settings, shared by every view and command. */
  admin(): Promise<Admin> {
    return this.fresh(() => (this.adminClient ??= this.connect('admin')));
  }

  /** A connected producer (acks=all, idempotent where the cluster allows; see ClusterProducer) for the current settings. */
  producer(): Promise<ClusterProducer> {
    return this.fresh(() => (this.producerClient ??= this.connect('producer')));
  }

  /** Waits for a client; if the settings changed meanwhile, waits for one built from the new settings instead. */
  private async fresh<T>(client: () => Promise<T>): Promise<T> {
    for (;;) {
      if (this.closed) {
        throw new Error(vscode.l10n.t('The cluster {0} was removed.', this.current.name));
      }
      const generation = this.generation;
      const value = await client();
      if (generation === this.generation) {
        return value;
      }
    }
  }

  private async connect(kind: 'admin'): Promise<Admin>;
  private async connect(kind: 'producer'): Promise<ClusterProducer>;
  private async connect(kind: 'admin' | 'producer'): Promise<Admin | ClusterProducer> {
    const generation = this.generation;
    const kafka = await this.kafka();
    const client = kind === 'admin' ? kafka.admin() : new ClusterProducer(kafka);
    try {
      await client.connect();
    } catch (error) {
      if (generation === this.generation) {
        if (kind === 'admin') {
          this.adminClient = undefined;
          this.setStatus('error');
        } else {
          this.producerClient = undefined;
        }
      }
      void client.disconnect().catch(() => undefined);
      throw error;
    }
    if (kind === 'admin' && generation === this.generation) {
      this.setStatus('connected');
    }
    return client;
  }

  /**
   * New settings, or a new password: the clients and the password lookup of the old ones are closed and
   * forgotten; the next use builds new ones.
   */
  restart(settings: ClusterSettings = this.current): void {
    this.current = settings;
    this.generation++;
    this.passwordLookup = undefined;
    const { adminClient, producerClient } = this;
    this.kafkaClient = this.adminClient = this.producerClient = undefined;
    discard(adminClient);
    discard(producerClient);
    this.setStatus('idle');
  }

  /** Only the name changed: nothing to reconnect. */
  rename(settings: ClusterSettings): void {
    this.current = settings;
  }

  /** Closes the clients; the session answers no further use. */
  async close(): Promise<void> {
    this.closed = true;
    this.generation++;
    const clients = [this.adminClient, this.producerClient];
    this.kafkaClient = this.adminClient = this.producerClient = undefined;
    this.passwordLookup = undefined;
    await Promise.all(clients.map((c) => c?.then((client) => client.disconnect(), () => undefined).catch(() => undefined)));
  }
}

/**
 * The clusters' sessions, by id, created on first use and kept in step with the settings: a rename
 * relabels, any other change or a new password restarts the session, a removal closes it. Each change is
 * announced on `onDidChangeCluster`, which running consumers and the explorer follow.
 */
export class ClusterSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, ClusterSession>();
  private readonly statusEmitter = new vscode.EventEmitter<string>();
  private readonly clusterEmitter = new vscode.EventEmitter<ClusterChangeEvent>();
  /** Fires with a cluster id when its status changes. */
  readonly onDidChangeStatus = this.statusEmitter.event;
  /** Fires when a cluster's settings or password changed, after its session (if it has one) followed. */
  readonly onDidChangeCluster = this.clusterEmitter.event;
  private readonly watcher: vscode.Disposable;
  private readonly deps: SessionDeps;

  constructor(store: ClusterStore, askPassword: SessionDeps['askPassword'], beforeSasl: SessionDeps['beforeSasl'] = () => undefined) {
    this.deps = { store, askPassword, beforeSasl, statusChanged: (id) => this.statusEmitter.fire(id) };
    this.watcher = store.onDidChange((change) => {
      change.settings.forEach((id) => this.settingsChanged(id));
      change.password.forEach((id) => this.passwordChanged(id));
    });
  }

  /** The session of a cluster, made now if it has none; the settings are the store's, not the caller's copy. */
  session(cluster: ClusterSettings): ClusterSession {
    let session = this.sessions.get(cluster.id);
    if (!session) {
      session = new ClusterSession(this.deps.store.get(cluster.id) ?? cluster, this.deps);
      this.sessions.set(cluster.id, session);
    }
    return session;
  }

  admin(cluster: ClusterSettings): Promise<Admin> {
    return this.session(cluster).admin();
  }

  producer(cluster: ClusterSettings): Promise<ClusterProducer> {
    return this.session(cluster).producer();
  }

  password(cluster: ClusterSettings): Promise<string> {
    return this.session(cluster).password();
  }

  status(id: string): ClusterStatus {
    return this.sessions.get(id)?.status ?? 'idle';
  }

  setStatus(cluster: ClusterSettings, status: ClusterStatus): void {
    this.session(cluster).setStatus(status);
  }

  private settingsChanged(id: string): void {
    const session = this.sessions.get(id);
    const settings = this.deps.store.get(id);
    if (!settings) {
      this.sessions.delete(id);
      void session?.close();
      this.statusEmitter.fire(id);
    } else if (session && onlyRenamed(session.settings, settings)) {
      session.rename(settings);
    } else {
      session?.restart(settings);
    }
    this.clusterEmitter.fire({ id, settings, passwordChanged: false });
  }

  private passwordChanged(id: string): void {
    this.sessions.get(id)?.restart();
    this.clusterEmitter.fire({ id, settings: this.deps.store.get(id), passwordChanged: true });
  }

  /** Closes a cluster's clients; the next use connects again. */
  async drop(id: string): Promise<void> {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    this.statusEmitter.fire(id);
    await session?.close();
  }

  async disconnectAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.drop(id)));
  }

  dispose(): void {
    void this.disconnectAll();
    this.watcher.dispose();
    this.statusEmitter.dispose();
    this.clusterEmitter.dispose();
  }
}

/** Client timeouts from the `ckafka.connectionTimeoutMs` setting. */
export function timeouts() {
  const configured = config.connectionTimeoutMs();
  const connectionTimeoutMs = typeof configured === 'number' && configured >= 1000 ? configured : DEFAULT_TIMEOUTS.connectionTimeoutMs;
  return { ...DEFAULT_TIMEOUTS, connectionTimeoutMs, requestTimeoutMs: Math.max(connectionTimeoutMs, DEFAULT_TIMEOUTS.requestTimeoutMs) };
}
