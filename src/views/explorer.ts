import type { Admin } from 'kafkajs';
import * as vscode from 'vscode';
import type { ClusterSessions } from '../clusters/sessions';
import type { ClusterChange, ClusterStore } from '../clusters/store';
import type { Consumers } from '../consumers/registry';
import { config } from '../config';
import type { TopologyChange } from '../ctx';
import type { ClusterSettings } from '../kafka/cluster';
import { classifyError, Failure } from '../kafka/errors';
import { EndOffsetsCache, filterTopics, GroupInfo, GroupLag, GroupPartitionLag, loadBrokers, loadGroup, loadGroupLag, loadGroups, loadPartitionOffsets, loadTopics } from '../kafka/metadata';
import {
  BrokerNode,
  ClusterNode,
  ConsumerNode,
  ErrorNode,
  ExplorerNode,
  FolderKind,
  FolderNode,
  GroupNode,
  GroupPartitionNode,
  GroupStateNode,
  GroupTopicNode,
  isExplorerNode,
  LoadableNode,
  LoadFailure,
  MemberNode,
  MessageNode,
  PartitionNode,
  TopicNode,
} from './nodes';

export { isExplorerNode, type ExplorerNode } from './nodes';

/** What the explorer reads and listens to. */
export interface ExplorerDeps {
  clusters: ClusterStore;
  sessions: ClusterSessions;
  consumers: Consumers;
  log: vscode.LogOutputChannel;
  /** Commands' changes to a cluster's topics or groups, and reloads the user asked for. */
  onDidChangeTopology: vscode.Event<TopologyChange>;
}

/** Groups whose lag is read at once when listing a cluster's groups. */
const LAG_CONCURRENCY = 8;

/** Causes after which the cluster is shown as failed, not just the one request. */
const CONNECTION_CAUSES = new Set<LoadFailure['cause']>(['authentication', 'refused', 'timeout', 'nameResolution', 'tls']);

/**
 * The CKafka explorer: clusters → Topics / Consumer Groups / Brokers. Nothing connects until a cluster is
 * expanded. Each node's children are loaded once and kept until that node (or an ancestor) is refreshed,
 * so a status change re-renders a cluster without reloading it. A failed load becomes an `error` node,
 * never a notification or an endless spinner.
 */
export class ExplorerProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The cluster nodes, in settings order; built on first use. */
  private roots: ClusterNode[] | undefined;
  private readonly children = new WeakMap<ExplorerNode, Promise<ExplorerNode[]>>();
  /** Each cluster's folder nodes, kept so that showing or hiding Running Consumers reloads no other folder. */
  private readonly folders = new WeakMap<ClusterNode, Map<FolderKind, FolderNode>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly ctx: ExplorerDeps) {
    this.subscriptions.push(
      this.changed,
      ctx.clusters.onDidChange((change) => this.clustersChanged(change)),
      ctx.sessions.onDidChangeStatus((id) => this.statusChanged(id)),
      ctx.consumers.onDidChange((consumer) => this.consumersChanged(consumer.cluster.id)),
      ctx.onDidChangeTopology((change) => change.waitUntil(this.topologyChanged(change))),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ckafka.explorer')) {
          void this.refreshFolders('topics');
        }
      }),
    );
    this.updateClusterCount();
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return node;
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parent;
  }

  getChildren(node?: ExplorerNode): ExplorerNode[] | Promise<ExplorerNode[]> {
    if (!node) {
      return this.clusterNodes();
    }
    let loaded = this.children.get(node);
    if (!loaded) {
      loaded = this.load(node);
      this.children.set(node, loaded);
    }
    return loaded;
  }

  /**
   * Reloads a node's children (and so everything below it), or the whole tree. An error node reloads
   * its parent. Connections are kept.
   */
  refresh(node?: ExplorerNode): void {
    if (!node) {
      this.roots = undefined;
      this.changed.fire(undefined);
      return;
    }
    if (node.kind === 'error' || node.kind === 'message') {
      this.refresh(node.parent);
      return;
    }
    if (node.kind === 'group') {
      node.stale = true;
    }
    if (node.kind === 'cluster') {
      this.folders.delete(node);
    }
    this.children.delete(node);
    this.changed.fire(node);
  }

  /** The cluster node of a cluster id, as currently shown. */
  clusterNode(clusterId: string): ClusterNode | undefined {
    return this.clusterNodes().find((n) => n.cluster.id === clusterId);
  }

  /** Refreshes one folder of a cluster if it was loaded; the cluster node when `kind` is not given. */
  private async topologyChanged({ clusterId, what, node }: TopologyChange): Promise<void> {
    if (clusterId !== undefined) {
      await this.refreshCluster(clusterId, what);
    } else {
      this.refresh(isExplorerNode(node) ? node : undefined);
    }
  }

  async refreshCluster(clusterId: string, kind?: FolderKind): Promise<void> {
    const cluster = this.clusterNode(clusterId);
    if (!cluster) {
      return;
    }
    if (!kind) {
      this.refresh(cluster);
      return;
    }
    const folders = await this.children.get(cluster);
    const folder = folders?.find((n) => n.kind === kind);
    if (folder) {
      this.refresh(folder);
    }
  }

  private async refreshFolders(kind: FolderKind): Promise<void> {
    await Promise.all(this.clusterNodes().map((n) => this.refreshCluster(n.cluster.id, kind)));
  }

  private clusterNodes(): ClusterNode[] {
    if (!this.roots) {
      this.roots = this.ctx.clusters.list().map((cluster) => this.newClusterNode(cluster));
    }
    return this.roots;
  }

  private newClusterNode(cluster: ClusterSettings): ClusterNode {
    return new ClusterNode(cluster, this.ctx.sessions.status(cluster.id));
  }

  /** Rebuilds the nodes of clusters whose settings changed; keeps the others, and retries failed ones. */
  private clustersChanged(change: ClusterChange): void {
    this.updateClusterCount();
    const before = new Map((this.roots ?? []).map((n) => [n.cluster.id, n]));
    this.roots = this.ctx.clusters.list().map((cluster) => {
      const kept = before.get(cluster.id);
      if (!kept || change.settings.has(cluster.id)) {
        return this.newClusterNode(cluster);
      }
      if (kept.status === 'error') {
        // A new password may have been stored: try again.
        this.children.delete(kept);
        this.folders.delete(kept);
      }
      return kept;
    });
    this.changed.fire(undefined);
  }

  private statusChanged(clusterId: string): void {
    const node = this.roots?.find((n) => n.cluster.id === clusterId);
    const status = this.ctx.sessions.status(clusterId);
    if (node && node.status !== status) {
      if (node.status === 'error' && status === 'idle') {
        // The failed client was dropped (new password, edited settings): load again rather than keep the error nodes.
        this.children.delete(node);
        this.folders.delete(node);
      }
      node.setStatus(status);
      this.changed.fire(node);
    }
  }

  /** Shows, updates or hides the cluster's Running Consumers folder. */
  private consumersChanged(clusterId: string): void {
    const node = this.roots?.find((n) => n.cluster.id === clusterId);
    if (!node) {
      return;
    }
    const folder = this.folders.get(node)?.get('consumers');
    if (folder) {
      this.children.delete(folder);
    }
    this.children.delete(node);
    this.changed.fire(node);
  }

  private folder(cluster: ClusterNode, kind: FolderKind): FolderNode {
    let byKind = this.folders.get(cluster);
    if (!byKind) {
      byKind = new Map();
      this.folders.set(cluster, byKind);
    }
    let folder = byKind.get(kind);
    if (!folder) {
      folder = new FolderNode(kind, cluster);
      byKind.set(kind, folder);
    }
    return folder;
  }

  private updateClusterCount(): void {
    void vscode.commands.executeCommand('setContext', 'ckafka.clusterCount', this.ctx.clusters.list().length);
  }

  private load(node: ExplorerNode): Promise<ExplorerNode[]> {
    switch (node.kind) {
      case 'cluster': {
        const kinds: FolderKind[] = this.ctx.consumers.forCluster(node.cluster.id).length > 0 ? ['consumers', 'topics', 'groups', 'brokers'] : ['topics', 'groups', 'brokers'];
        return Promise.resolve(kinds.map((kind) => this.folder(node, kind)));
      }
      case 'consumers': {
        const consumers = this.ctx.consumers.forCluster(node.cluster.id);
        return Promise.resolve(consumers.length > 0 ? consumers.map((c) => new ConsumerNode(node, c)) : [new MessageNode(node, vscode.l10n.t('No running consumers'))]);
      }
      case 'topics':
        return this.guard(node, 'topics', async (admin) => {
          const all = await loadTopics(admin);
          const { topicFilter: filter, showInternalTopics } = config.explorer();
          const shown = filterTopics(all, filter, showInternalTopics);
          if (shown.length === 0) {
            return [new MessageNode(node, all.length === 0 ? vscode.l10n.t('No topics') : vscode.l10n.t('No topic matches the filter {0}', filter))];
          }
          return shown.map((t) => new TopicNode(node, t));
        });
      case 'topic':
        return this.guard(node, `partitions of ${node.name}`, async (admin) => {
          const offsets = await loadPartitionOffsets(admin, node.name, node.topic.partitions);
          return offsets.map((o) => new PartitionNode(node, o));
        });
      case 'groups':
        return this.guard(node, 'consumer groups', async (admin) => {
          const groups = await loadGroups(admin);
          if (groups.length === 0) {
            return [new MessageNode(node, vscode.l10n.t('No consumer groups'))];
          }
          const cache: EndOffsetsCache = new Map();
          const lags = await mapLimit(groups, LAG_CONCURRENCY, (g) => this.lagOf(admin, node, g, cache));
          return groups.map((g, i) => new GroupNode(node, g, lags[i]));
        });
      case 'group':
        return this.groupChildren(node);
      case 'groupTopic':
        return Promise.resolve(node.partitions.map((p) => new GroupPartitionNode(node, p)));
      case 'brokers':
        return this.guard(node, 'brokers', async (admin) => {
          const brokers = await loadBrokers(admin);
          return brokers.map((b) => new BrokerNode(node, b));
        });
      default:
        return Promise.resolve([]);
    }
  }

  private async groupChildren(node: GroupNode): Promise<ExplorerNode[]> {
    if (node.stale) {
      const reloaded = await this.guard(node, `consumer group ${node.name}`, async (admin) => {
        const group = await loadGroup(admin, node.name);
        node.update(group, await this.lagOf(admin, node, group, new Map()));
        node.stale = false;
        return [];
      });
      if (node.stale) {
        return reloaded; // the error node
      }
      // The description (state, lag) changed: re-render the node; its children are cached by then.
      setTimeout(() => this.changed.fire(node), 0);
    }
    const lag = node.lag;
    if (!('total' in lag)) {
      return [new ErrorNode(node, lag)];
    }
    const members = node.group.members.map((m) => new MemberNode(node, m));
    const byTopic = new Map<string, GroupPartitionLag[]>();
    for (const p of lag.partitions) {
      byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
    }
    const topics = [...byTopic].map(([topic, partitions]) => new GroupTopicNode(node, topic, partitions));
    const children: ExplorerNode[] = [new GroupStateNode(node, node.group), ...members, ...topics];
    if (members.length === 0 && topics.length === 0) {
      children.push(new MessageNode(node, vscode.l10n.t('No members and no committed offsets')));
    }
    return children;
  }

  /** The group's lag on the topics it committed to and the topics its members are assigned. */
  private async lagOf(admin: Admin, node: ExplorerNode, group: GroupInfo, cache: EndOffsetsCache): Promise<GroupLag | Failure> {
    const groupId = group.groupId;
    try {
      return await loadGroupLag(admin, groupId, cache, group.members.flatMap((m) => m.assignment.map((a) => a.topic)));
    } catch (error) {
      const failure = classifyError(error);
      this.ctx.log.error(`explorer: reading the lag of group "${groupId}" on "${node.cluster.name}" failed: ${failure.detail}`);
      return failure;
    }
  }

  /** Runs a load with the cluster's admin; any failure becomes one error node, logged with its detail. */
  private async guard(node: LoadableNode, what: string, load: (admin: Admin) => Promise<ExplorerNode[]>): Promise<ExplorerNode[]> {
    const cluster = node.cluster;
    try {
      const admin = await this.ctx.sessions.admin(cluster);
      const children = await load(admin);
      this.ctx.sessions.setStatus(cluster, 'connected');
      return children;
    } catch (error) {
      if (error instanceof vscode.CancellationError) {
        return [new ErrorNode(node, { cause: 'cancelled', detail: vscode.l10n.t('The password prompt was dismissed.') })];
      }
      const failure = classifyError(error);
      this.ctx.log.error(`explorer: loading the ${what} of "${cluster.name}" failed (${failure.cause}): ${failure.detail}`);
      if (CONNECTION_CAUSES.has(failure.cause)) {
        this.ctx.sessions.setStatus(cluster, 'error');
      }
      return [new ErrorNode(node, failure)];
    }
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Creates the `ckafka.explorer` tree view and keeps the `ckafka.clusterCount` context key up to date. */
/** The CKafka explorer's provider and its tree view, to be disposed with the extension. */
export function registerExplorer(deps: ExplorerDeps): { provider: ExplorerProvider; view: vscode.TreeView<ExplorerNode> } {
  const provider = new ExplorerProvider(deps);
  const view = vscode.window.createTreeView('ckafka.explorer', { treeDataProvider: provider, showCollapseAll: true });
  return { provider, view };
}
