import * as vscode from 'vscode';
import { ClusterEntry, ClusterSettings, readClusterEntries } from '../kafka/cluster';

const SETTING = 'clusters';
const secretKey = (id: string) => `ckafka.cluster.${id}.password`;

/** What changed: the ids of clusters added, removed or edited in settings, and of those with a new password. */
export interface ClusterChange {
  readonly settings: ReadonlySet<string>;
  readonly password: ReadonlySet<string>;
}

/**
 * The user's clusters: everything but the password in the `ckafka.clusters` setting of the User settings
 * (so it can be edited and shared), the password in SecretStorage only. The setting is application-scoped
 * and read from the User settings alone: a workspace's `.vscode/settings.json` can neither add a cluster
 * nor point one of the user's clusters, and so its password, at another host. Writes go back to the User
 * settings and keep every entry read, including the ones that cannot be used.
 */
export class ClusterStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterChange>();
  readonly onDidChange = this.changed.event;
  private readonly watcher: vscode.Disposable;
  /** Each cluster's settings as last seen, to tell which ones a settings change touched. */
  private seen: Map<string, string>;
  /** The entries as last read; read again after every change of the setting (activation reads them once). */
  private cached: ClusterEntry[] | undefined;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.seen = this.snapshot();
    this.watcher = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`ckafka.${SETTING}`)) {
        this.cached = undefined;
        this.settingsChanged();
      }
    });
  }

  private snapshot(): Map<string, string> {
    return new Map(this.list().map((c) => [c.id, JSON.stringify(c)]));
  }

  private settingsChanged(): void {
    const before = this.seen;
    this.seen = this.snapshot();
    const touched = new Set([...before.keys(), ...this.seen.keys()].filter((id) => before.get(id) !== this.seen.get(id)));
    this.changed.fire({ settings: touched, password: new Set() });
  }

  /** The raw `ckafka.clusters` array of the User settings. */
  private raw(): unknown[] {
    const value = vscode.workspace.getConfiguration('ckafka').inspect<unknown>(SETTING)?.globalValue;
    return Array.isArray(value) ? value : [];
  }

  /** Every entry of the setting: usable settings, or the problem that stops that cluster. */
  entries(): ClusterEntry[] {
    this.cached ??= readClusterEntries(this.raw());
    return this.cached;
  }

  /** The clusters that can be used, normalised. */
  list(): ClusterSettings[] {
    return this.entries().flatMap((e) => (e.settings ? [e.settings] : []));
  }

  get(id: string): ClusterSettings | undefined {
    return this.list().find((c) => c.id === id);
  }

  async add(cluster: ClusterSettings, password: string | undefined): Promise<void> {
    if (password !== undefined) {
      await this.secrets.store(secretKey(cluster.id), password);
    }
    await this.write([...this.raw().filter((c) => idOf(c) !== cluster.id), stripUndefined(cluster)]);
  }

  /** New settings for a cluster, and with them a new password when one is given: one change, not two. */
  async update(cluster: ClusterSettings, password?: string): Promise<void> {
    if (password !== undefined) {
      await this.secrets.store(secretKey(cluster.id), password);
    }
    const normalised = (entry: unknown) => JSON.stringify(readClusterEntries([entry])[0]);
    const unchanged = normalised(this.raw().find((c) => idOf(c) === cluster.id)) === normalised(stripUndefined(cluster));
    await this.write(this.raw().map((c) => (idOf(c) === cluster.id ? stripUndefined(cluster) : c)));
    if (unchanged && password !== undefined) {
      // The settings are the same, so no settings change will come: say that the password changed.
      this.changed.fire({ settings: new Set(), password: new Set([cluster.id]) });
    }
  }

  async remove(id: string): Promise<void> {
    await this.secrets.delete(secretKey(id));
    await this.write(this.raw().filter((c) => idOf(c) !== id));
  }

  /** Reads wait for this: a password being stored at activation (the sandbox's) must be seen. */
  private storing: Promise<unknown> = Promise.resolve();

  async password(id: string): Promise<string | undefined> {
    await this.storing;
    return this.secrets.get(secretKey(id));
  }

  /** Stores a password given at start-up unless the cluster already has one; reads wait until it is stored. */
  adoptPassword(id: string, password: string): void {
    this.storing = (async () => {
      if ((await this.secrets.get(secretKey(id))) === undefined) {
        await this.setPassword(id, password);
      }
    })().catch(() => undefined);
  }

  async setPassword(id: string, password: string): Promise<void> {
    await this.secrets.store(secretKey(id), password);
    this.changed.fire({ settings: new Set(), password: new Set([id]) });
  }

  private async write(entries: unknown[]): Promise<void> {
    await vscode.workspace.getConfiguration('ckafka').update(SETTING, entries, vscode.ConfigurationTarget.Global);
    this.cached = undefined;
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}

function stripUndefined(cluster: ClusterSettings): ClusterSettings {
  return Object.fromEntries(Object.entries(cluster).filter(([, v]) => v !== undefined && v !== '')) as unknown as ClusterSettings;
}

function idOf(entry: unknown): unknown {
  return typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
}
