import * as vscode from 'vscode';
import type { ClusterStatus } from '../clusters/sessions';
import type { RunningConsumer } from '../consumers/running';
import { hintFor } from '../hints';
import type { ClusterSettings } from '../kafka/cluster';
import type { Failure } from '../kafka/errors';
import { shortHint } from '../hints';
import type { BrokerInfo, GroupInfo, GroupLag, GroupMember, GroupPartitionLag, PartitionOffsets, TopicInfo, TopicPartitions } from '../kafka/metadata';

/**
 * The explorer's nodes: one small TreeItem subclass per kind. `contextValue` is what package.json's
 * menus test (`viewItem == topic`…). Every node knows its cluster and its parent; the ones commands act on
 * expose `name` (cluster name, topic, group, or host:port).
 */
export type ExplorerNode = LoadableNode | ErrorNode | MessageNode | GroupStateNode;

/** Nodes that can have an error or message node under them. */
export type LoadableNode = ClusterNode | FolderNode | TopicNode | PartitionNode | GroupNode | MemberNode | GroupTopicNode | GroupPartitionNode | BrokerNode | ConsumerNode;

export type FolderKind = 'topics' | 'groups' | 'brokers' | 'consumers';

/** Why a load failed: a classified Kafka failure, or the user dismissed the password prompt. */
export type LoadFailure = Failure | { cause: 'cancelled'; detail: string };

/** VS Code passes the clicked node to commands; keybindings and tests may pass anything else. */
export function isExplorerNode(value: unknown): value is ExplorerNode {
  return typeof value === 'object' && value !== null && 'kind' in value && 'cluster' in value;
}

const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
const None = vscode.TreeItemCollapsibleState.None;

/** Appends `**label**: value` as a line; the value is escaped, never interpreted as Markdown. */
function line(md: vscode.MarkdownString, label: string, value: string): void {
  md.appendMarkdown(`**${label}**: `);
  md.appendText(value);
  md.appendMarkdown('  \n');
}

export class ClusterNode extends vscode.TreeItem {
  readonly kind = 'cluster';
  readonly parent = undefined;
  readonly name: string;
  status: ClusterStatus = 'idle';

  constructor(
    readonly cluster: ClusterSettings,
    status: ClusterStatus,
  ) {
    super(cluster.name, Collapsed);
    this.id = `cluster:${cluster.id}`;
    this.name = cluster.name;
    this.contextValue = 'cluster';
    const md = new vscode.MarkdownString();
    md.appendMarkdown('**');
    md.appendText(cluster.name);
    md.appendMarkdown('**  \n');
    line(md, vscode.l10n.t('Bootstrap servers'), cluster.bootstrapServers);
    line(md, vscode.l10n.t('Security protocol'), cluster.securityProtocol === 'PLAINTEXT' ? cluster.securityProtocol : `${cluster.securityProtocol} (${cluster.saslMechanism ?? 'PLAIN'})`);
    if (cluster.securityProtocol !== 'PLAINTEXT') {
      line(md, vscode.l10n.t('User'), cluster.username ?? '');
    }
    // The password lives in secret storage and is never shown.
    this.tooltip = md;
    this.setStatus(status);
  }

  setStatus(status: ClusterStatus): void {
    this.status = status;
    switch (status) {
      case 'connected':
        this.iconPath = new vscode.ThemeIcon('database', new vscode.ThemeColor('testing.iconPassed'));
        this.description = vscode.l10n.t('connected');
        break;
      case 'error':
        this.iconPath = new vscode.ThemeIcon('database', new vscode.ThemeColor('list.errorForeground'));
        this.description = vscode.l10n.t('connection failed');
        break;
      default:
        this.iconPath = new vscode.ThemeIcon('database');
        this.description = undefined;
    }
  }
}

export class FolderNode extends vscode.TreeItem {
  readonly name = undefined;

  constructor(
    readonly kind: FolderKind,
    readonly parent: ClusterNode,
  ) {
    super(FolderNode.label(kind), Collapsed);
    this.cluster = parent.cluster;
    this.id = `${parent.id}/${kind}`;
    this.contextValue = kind;
    this.iconPath = new vscode.ThemeIcon(kind === 'topics' ? 'list-unordered' : kind === 'groups' ? 'organization' : kind === 'consumers' ? 'radio-tower' : 'server-environment');
  }

  readonly cluster: ClusterSettings;

  private static label(kind: FolderKind): string {
    switch (kind) {
      case 'topics':
        return vscode.l10n.t('Topics');
      case 'groups':
        return vscode.l10n.t('Consumer Groups');
      case 'brokers':
        return vscode.l10n.t('Brokers');
      case 'consumers':
        return vscode.l10n.t('Running Consumers');
    }
  }
}

export class TopicNode extends vscode.TreeItem {
  readonly kind = 'topic';
  readonly cluster: ClusterSettings;
  readonly name: string;

  constructor(
    readonly parent: FolderNode,
    readonly topic: TopicInfo,
  ) {
    super(topic.name, topic.partitions.length > 0 ? Collapsed : None);
    this.cluster = parent.cluster;
    this.name = topic.name;
    this.id = `${parent.id}/${topic.name}`;
    this.contextValue = 'topic';
    const n = topic.partitions.length;
    this.description = n === 1 ? vscode.l10n.t('1 partition') : vscode.l10n.t('{0} partitions', n);
    this.iconPath = new vscode.ThemeIcon(topic.internal ? 'lock' : 'symbol-event');
    this.tooltip = topic.internal ? vscode.l10n.t('{0} (internal topic)', topic.name) : topic.name;
  }
}

export class PartitionNode extends vscode.TreeItem {
  readonly kind = 'partition';
  readonly cluster: ClusterSettings;
  /** The topic. */
  readonly name: string;

  constructor(
    readonly parent: TopicNode,
    readonly offsets: PartitionOffsets,
  ) {
    super(vscode.l10n.t('Partition {0}', offsets.partition), None);
    this.cluster = parent.cluster;
    this.name = parent.name;
    this.id = `${parent.id}/${offsets.partition}`;
    this.contextValue = 'partition';
    this.iconPath = new vscode.ThemeIcon('symbol-array');
    const leader = offsets.leader === undefined || offsets.leader < 0 ? vscode.l10n.t('none') : String(offsets.leader);
    this.description = vscode.l10n.t('leader {0} · earliest {1} · latest {2} · {3} messages', leader, offsets.earliest, offsets.latest, offsets.count);
  }
}

export class GroupNode extends vscode.TreeItem {
  readonly kind = 'group';
  readonly cluster: ClusterSettings;
  readonly name: string;
  group!: GroupInfo;
  /** The group's lag, or why it could not be read. */
  lag!: GroupLag | Failure;
  /** Set by a refresh of this node: its description and children are read again when next expanded. */
  stale = false;

  constructor(
    readonly parent: FolderNode,
    group: GroupInfo,
    lag: GroupLag | Failure,
  ) {
    super(group.groupId, Collapsed);
    this.cluster = parent.cluster;
    this.name = group.groupId;
    this.id = `${parent.id}/${group.groupId}`;
    this.update(group, lag);
  }

  update(group: GroupInfo, lag: GroupLag | Failure): void {
    this.group = group;
    this.lag = lag;
    const active = group.members.length > 0;
    this.contextValue = active ? 'group.active' : 'group.empty';
    this.iconPath = new vscode.ThemeIcon(active ? 'organization' : 'circle-outline');
    this.description = 'total' in lag ? vscode.l10n.t('{0} · lag {1}', group.state, lag.total) : vscode.l10n.t('{0} · lag unknown', group.state);
    this.tooltip = active ? vscode.l10n.t('{0}: {1} member(s)', group.groupId, group.members.length) : vscode.l10n.t('{0}: no active member', group.groupId);
  }
}

/** The group's state (Stable, Empty, PreparingRebalance…), first under the group. */
export class GroupStateNode extends vscode.TreeItem {
  readonly kind = 'groupState';
  readonly cluster: ClusterSettings;
  readonly name = undefined;

  constructor(
    readonly parent: GroupNode,
    group: GroupInfo,
  ) {
    super(vscode.l10n.t('State: {0}', group.state), None);
    this.cluster = parent.cluster;
    this.id = `${parent.id}/state`;
    this.contextValue = 'groupState';
    this.iconPath = new vscode.ThemeIcon(group.members.length > 0 ? 'pulse' : 'debug-pause');
    const n = group.members.length;
    this.description = n === 0 ? vscode.l10n.t('no active member') : n === 1 ? vscode.l10n.t('1 member') : vscode.l10n.t('{0} members', n);
  }
}

/** `orders: 0, 1, 2; events: 0`. */
export function assignmentText(assignment: readonly TopicPartitions[]): string {
  return assignment.map((a) => `${a.topic}: ${a.partitions.join(', ')}`).join('; ');
}

export class MemberNode extends vscode.TreeItem {
  readonly kind = 'member';
  readonly cluster: ClusterSettings;
  readonly name = undefined;

  constructor(
    readonly parent: GroupNode,
    readonly member: GroupMember,
  ) {
    super(member.clientId || member.memberId, None);
    this.cluster = parent.cluster;
    this.id = `${parent.id}/member/${member.memberId}`;
    this.contextValue = 'member';
    this.iconPath = new vscode.ThemeIcon('person');
    const assigned = member.assignment.length > 0 ? assignmentText(member.assignment) : vscode.l10n.t('no partition assigned');
    this.description = `${member.clientHost} · ${assigned}`;
    const md = new vscode.MarkdownString();
    line(md, vscode.l10n.t('Client ID'), member.clientId);
    line(md, vscode.l10n.t('Host'), member.clientHost);
    line(md, vscode.l10n.t('Member ID'), member.memberId);
    line(md, vscode.l10n.t('Assigned partitions'), assigned);
    this.tooltip = md;
  }
}

/** One topic of a group: its total lag; its partitions below. Reset Group Offsets acts on it. */
export class GroupTopicNode extends vscode.TreeItem {
  readonly kind = 'groupTopic';
  readonly cluster: ClusterSettings;
  /** The topic. */
  readonly name: string;
  readonly groupId: string;

  constructor(
    readonly parent: GroupNode,
    readonly topic: string,
    readonly partitions: readonly GroupPartitionLag[],
  ) {
    super(topic, Collapsed);
    this.cluster = parent.cluster;
    this.name = topic;
    this.groupId = parent.name;
    this.id = `${parent.id}/topic/${topic}`;
    this.contextValue = 'groupTopic';
    this.iconPath = new vscode.ThemeIcon('symbol-event');
    const gone = partitions.some((p) => p.end === null);
    const total = partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0);
    this.description = gone ? vscode.l10n.t('lag unknown') : vscode.l10n.t('lag {0}', total);
    if (gone) {
      this.tooltip = vscode.l10n.t('The topic {0} no longer exists.', topic);
    }
  }
}

export class GroupPartitionNode extends vscode.TreeItem {
  readonly kind = 'groupPartition';
  readonly cluster: ClusterSettings;
  readonly name = undefined;

  constructor(
    readonly parent: GroupTopicNode,
    readonly lag: GroupPartitionLag,
  ) {
    super(vscode.l10n.t('Partition {0}', lag.partition), None);
    this.cluster = parent.cluster;
    this.id = `${parent.id}/${lag.partition}`;
    this.contextValue = 'groupPartition';
    this.iconPath = new vscode.ThemeIcon('symbol-array');
    const committed = lag.committed === null ? vscode.l10n.t('none') : String(lag.committed);
    const end = lag.end === null ? '?' : String(lag.end);
    const behind = lag.lag === null ? '?' : String(lag.lag);
    this.description = vscode.l10n.t('committed {0} · end {1} · lag {2}', committed, end, behind);
  }
}

export class BrokerNode extends vscode.TreeItem {
  readonly kind = 'broker';
  readonly cluster: ClusterSettings;
  /** `host:port`. */
  readonly name: string;

  constructor(
    readonly parent: FolderNode,
    readonly broker: BrokerInfo,
  ) {
    super(vscode.l10n.t('Broker {0}', broker.nodeId), None);
    this.cluster = parent.cluster;
    this.name = `${broker.host}:${broker.port}`;
    this.id = `${parent.id}/${broker.nodeId}`;
    this.contextValue = 'broker';
    this.iconPath = new vscode.ThemeIcon(broker.controller ? 'star-full' : 'server');
    this.description = broker.controller ? vscode.l10n.t('{0} · controller', this.name) : this.name;
  }
}

/** A consumer the user started on this cluster; its inline action stops it, clicking it shows its output. */
export class ConsumerNode extends vscode.TreeItem {
  readonly kind = 'consumer';
  readonly cluster: ClusterSettings;
  /** The topic. */
  readonly name: string;
  readonly consumerId: string;

  constructor(
    readonly parent: FolderNode,
    consumer: RunningConsumer,
  ) {
    super(consumer.topic, None);
    this.cluster = parent.cluster;
    this.name = consumer.topic;
    this.consumerId = consumer.id;
    this.id = `${parent.id}/${consumer.id}`;
    this.contextValue = 'consumer';
    const reconnecting = consumer.state === 'reconnecting';
    this.iconPath = reconnecting ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('radio-tower');
    this.description = reconnecting ? vscode.l10n.t('{0} · reconnecting', consumer.groupId) : consumer.groupId;
    this.tooltip = vscode.l10n.t('{0}: consuming {1} as group {2}', consumer.channelName, consumer.topic, consumer.groupId);
    this.command = { command: 'ckafka.showConsumer', title: vscode.l10n.t('Show Consumer Output'), arguments: [consumer.id] };
  }
}

/** A load that failed: a short hint as label, the detail as tooltip; clicking it retries the parent. */
export class ErrorNode extends vscode.TreeItem {
  readonly kind = 'error';
  readonly cluster: ClusterSettings;
  readonly name = undefined;

  constructor(
    readonly parent: LoadableNode,
    readonly failure: LoadFailure,
  ) {
    super(shortHint(failure.cause), None);
    this.cluster = parent.cluster;
    this.id = `${parent.id}/error`;
    this.contextValue = 'error';
    this.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    this.description = vscode.l10n.t('click to retry');
    const md = new vscode.MarkdownString();
    if (failure.cause !== 'cancelled') {
      md.appendText(hintFor(failure.cause));
      md.appendMarkdown('\n\n');
    }
    md.appendCodeblock(failure.detail, 'text');
    this.tooltip = md;
    this.command = { command: 'ckafka.refresh', title: vscode.l10n.t('Retry'), arguments: [parent] };
  }
}

/** An informational leaf, such as "No topics". */
export class MessageNode extends vscode.TreeItem {
  readonly kind = 'message';
  readonly cluster: ClusterSettings;
  readonly name = undefined;

  constructor(
    readonly parent: LoadableNode,
    message: string,
  ) {
    super(message, None);
    this.cluster = parent.cluster;
    this.id = `${parent.id}/message`;
    this.contextValue = 'message';
    this.iconPath = new vscode.ThemeIcon('info');
  }
}
