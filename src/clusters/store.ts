import * as vscode from 'vscode';
import { ClusterSettings } from '../kafka/cluster';

const SETTING = 'clusters';
const secretKey = (id: string) => `ckafka.cluster.${id}.password`;

/** What changed: the ids of clusters added, removed or edited in settings, and of those with a new password. */
export interface ClusterChange {
  readonly settings: ReadonlySet<string>;
  readonly password: ReadonlySet<string>;
}

/**
 * The user's clusters: everything but the password in the `ckafka.clusters` setting (so it can be edited
 * and shared), the password in SecretStorage only.
 */
export class ClusterStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterChange>();
  readonly onDidChange = this.changed.event;
  private readonly watcher: vscode.Disposable;
  /** Each cluster's settings as last seen, to tell which ones a settings change touched. */
  private seen: Map<string, string>;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.seen = this.snapshot();
    this.watcher = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`ckafka.${SETTING}`)) {
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

  list(): ClusterSettings[] {
    const raw = vscode.workspace.getConfiguration('ckafka').get<unknown>(SETTING);
    return Array.isArray(raw) ? raw.filter(isClusterSettings) : [];
  }

  get(id: string): ClusterSettings | undefined {
    return this.list().find((c) => c.id === id);
  }

  async add(cluster: ClusterSettings, password: string | undefined): Promise<void> {
    if (password !== undefined) {
      await this.secrets.store(secretKey(cluster.id), password);
    }
    await this.write([...this.list().filter((c) => c.id !== cluster.id), cluster]);
  }

  async update(cluster: ClusterSettings): Promise<void> {
    await this.write(this.list().map((c) => (c.id === cluster.id ? cluster : c)));
  }

  async remove(id: string): Promise<void> {
    await this.secrets.delete(secretKey(id));
    await this.write(this.list().filter((c) => c.id !== id));
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

  private async write(clusters: ClusterSettings[]): Promise<void> {
    await vscode.workspace.getConfiguration('ckafka').update(SETTING, clusters.map(stripUndefined), vscode.ConfigurationTarget.Global);
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}

function stripUndefined(cluster: ClusterSettings): ClusterSettings {
  return Object.fromEntries(Object.entries(cluster).filter(([, v]) => v !== undefined && v !== '')) as unknown as ClusterSettings;
}

function isClusterSettings(value: unknown): value is ClusterSettings {
  const c = value as Partial<ClusterSettings> | null;
  return typeof c === 'object' && c !== null && typeof c.id === 'string' && typeof c.name === 'string' && typeof c.bootstrapServers === 'string' && typeof c.securityProtocol === 'string';
}
