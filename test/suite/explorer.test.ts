import * as assert from 'assert';
import { Kafka, logLevel } from 'kafkajs';
import * as net from 'net';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { ExplorerNode, ExplorerProvider } from '../../src/views/explorer';
import type { BrokerNode, ClusterNode, ErrorNode, FolderKind, FolderNode, GroupNode, GroupPartitionNode, PartitionNode, TopicNode } from '../../src/views/nodes';
import { ErrorCode, LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { activate, waitFor } from './helpers';
import { screen } from './shown';

/**
 * The explorer against a local 2-broker cluster, driven through the extension's API and commands. The
 * tree is read with the provider's getChildren, as VS Code does; classes are compared by `kind` and
 * `contextValue`, since the test's imports of src/ are not the bundle's modules.
 */
/** Kafka's ListOffsets API key, for fault injection. */
const LIST_OFFSETS = 2;
const LIMITED_USER = 'ckafka-sandbox#limited';
const LIMITED_PASSWORD = 'limited-secret';
const RUN = Date.now().toString(36);
const ids = { main: `explorer-${RUN}`, badPassword: `explorer-badpw-${RUN}`, closedPort: `explorer-closed-${RUN}`, limited: `explorer-acl-${RUN}` };

/** The provider, from the API (the refresh command also resolves with it). */
async function explorerOf(api: ExtensionApi): Promise<ExplorerProvider> {
  const explorer = api.explorer ?? (await vscode.commands.executeCommand<ExplorerProvider | undefined>('ckafka.refresh'));
  assert.ok(explorer, 'the explorer provider is reachable');
  return explorer;
}

const totalLag = (group: GroupNode) => ('total' in group.lag ? group.lag.total : undefined);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('CKafka explorer', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let explorer: ExplorerProvider;
  let broker: LocalBroker;
  let kafka: Kafka;

  const children = async (node?: ExplorerNode): Promise<ExplorerNode[]> => (await explorer.getChildren(node)) ?? [];
  const clusterNode = async (id: string): Promise<ClusterNode> => {
    const node = (await children()).find((n) => n.kind === 'cluster' && n.cluster.id === id);
    assert.ok(node, `cluster ${id} is in the tree`);
    return node as ClusterNode;
  };
  const folder = async (id: string, kind: FolderKind): Promise<FolderNode> => {
    const node = (await children(await clusterNode(id))).find((n) => n.kind === kind);
    assert.ok(node, `${kind} folder of ${id}`);
    return node as FolderNode;
  };
  const topics = async (id = ids.main): Promise<TopicNode[]> => (await children(await folder(id, 'topics'))).filter((n): n is TopicNode => n.kind === 'topic');
  const topicNames = async (id = ids.main) => (await topics(id)).map((t) => t.name);
  const groups = async (id = ids.main): Promise<GroupNode[]> => (await children(await folder(id, 'groups'))).filter((n): n is GroupNode => n.kind === 'group');
  const refresh = (node?: ExplorerNode) => vscode.commands.executeCommand('ckafka.refresh', node);
  const addCluster = (id: string, bootstrapServers: string, username: string, password: string) =>
    api.clusters.add({ id, name: id, bootstrapServers, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username }, password);

  before(async () => {
    api = await activate();
    explorer = await explorerOf(api);
    broker = await startBroker({
      brokers: 2,
      topics: [
        { name: 'orders', partitions: 3 },
        { name: 'events', partitions: 1 },
        { name: '__internal_state', partitions: 1 },
      ],
      users: { [SANDBOX_USER]: SANDBOX_PASSWORD, [LIMITED_USER]: LIMITED_PASSWORD },
      acls: { [LIMITED_USER]: { read: ['orders'], groups: ['limited-*'] } },
    });
    kafka = new Kafka({
      clientId: 'explorer-test',
      brokers: broker.brokers,
      sasl: { mechanism: 'plain', username: SANDBOX_USER, password: SANDBOX_PASSWORD },
      logLevel: logLevel.NOTHING,
      retry: { retries: 3, initialRetryTime: 100 },
    });
    const producer = kafka.producer();
    await producer.connect();
    const records = (partition: number, n: number) => Array.from({ length: n }, (_, i) => ({ partition, value: `record ${partition}-${i}` }));
    await producer.send({ topic: 'orders', messages: [...records(0, 5), ...records(1, 3), ...records(2, 4)] });
    await producer.send({ topic: 'events', messages: records(0, 2) });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    // Lag 3 on partition 0 (2 of 5), 0 on partition 1 (3 of 3), 3 on partition 2 (1 of 4): 6 in all.
    await admin.setOffsets({
      groupId: 'billing',
      topic: 'orders',
      partitions: [
        { partition: 0, offset: '2' },
        { partition: 1, offset: '3' },
        { partition: 2, offset: '1' },
      ],
    });
    await admin.disconnect();
    await addCluster(ids.main, broker.bootstrap, SANDBOX_USER, SANDBOX_PASSWORD);
    await waitFor('the cluster in the tree', () => (api.clusters.get(ids.main) ? true : undefined));
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('ckafka.explorer');
    await config.update('topicFilter', undefined, vscode.ConfigurationTarget.Global);
    await config.update('showInternalTopics', undefined, vscode.ConfigurationTarget.Global);
    for (const id of Object.values(ids)) {
      if (api.clusters.get(id)) {
        await api.sessions.drop(id);
        await api.clusters.remove(id);
      }
    }
    await broker?.stop();
  });

  it('shows the cluster, idle, with its three folders and a tooltip without the password', async () => {
    const node = await clusterNode(ids.main);
    assert.strictEqual(node.contextValue, 'cluster');
    assert.strictEqual(node.label, ids.main);
    assert.strictEqual(node.status, 'idle', 'nothing connects before the cluster is expanded');
    // The values are Markdown-escaped (SASL\_PLAINTEXT, ckafka-sandbox\#dev); compare them as rendered text.
    const tooltip = (node.tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1').replace(/&nbsp;/g, ' ');
    assert.ok(tooltip.includes(broker.bootstrap), tooltip);
    assert.ok(tooltip.includes('SASL_PLAINTEXT (PLAIN)'), tooltip);
    assert.ok(tooltip.includes(SANDBOX_USER), tooltip);
    assert.ok(!tooltip.includes(SANDBOX_PASSWORD));
    const folders = await children(node);
    assert.deepStrictEqual(
      folders.map((f) => f.contextValue),
      ['topics', 'groups', 'brokers'],
    );
  });

  it('lists the topics sorted, with partition counts, internal topics hidden; the cluster turns connected', async () => {
    await refresh();
    const nodes = await topics();
    assert.deepStrictEqual(
      nodes.map((t) => [t.name, t.contextValue, t.topic.partitions.length]),
      [
        ['events', 'topic', 1],
        ['orders', 'topic', 3],
      ],
    );
    assert.match(String(nodes[1].description), /\b3\b/);
    const cluster = await clusterNode(ids.main);
    assert.strictEqual(cluster.status, 'connected');
    assert.deepStrictEqual((cluster.iconPath as vscode.ThemeIcon).color, new vscode.ThemeColor('testing.iconPassed'));
  });

  it('shows each partition with its leader, earliest, latest and message count', async () => {
    const orders = (await topics()).find((t) => t.name === 'orders');
    assert.ok(orders);
    const partitions = (await children(orders)) as PartitionNode[];
    assert.deepStrictEqual(
      partitions.map((p) => [p.contextValue, p.offsets.partition, p.offsets.earliest, p.offsets.latest, p.offsets.count]),
      [
        ['partition', 0, 0, 5, 5],
        ['partition', 1, 0, 3, 3],
        ['partition', 2, 0, 4, 4],
      ],
    );
    for (const p of partitions) {
      assert.strictEqual(typeof p.offsets.leader, 'number');
      assert.ok(String(p.label).includes(String(p.offsets.partition)));
      assert.ok(String(p.description).includes(String(p.offsets.latest)), String(p.description));
    }
  });

  it('shows a consumer group with its exact lag, per partition and in total', async () => {
    const billing = (await groups()).find((g) => g.name === 'billing');
    assert.ok(billing, 'the billing group is listed');
    assert.strictEqual(billing.contextValue, 'group.empty');
    assert.ok('total' in billing.lag, JSON.stringify(billing.lag));
    assert.strictEqual(billing.lag.total, 6);
    assert.match(String(billing.description), /\b6\b/);
    const below = await children(billing);
    assert.deepStrictEqual(
      below.map((n) => [n.contextValue, String(n.label), String(n.description)]),
      [
        ['groupState', 'State: Empty', 'no active member'],
        ['groupTopic', 'orders', 'lag 6'],
      ],
    );
    const rows = (await children(below[1])) as GroupPartitionNode[];
    assert.deepStrictEqual(
      rows.map((r) => [r.contextValue, r.lag.topic, r.lag.partition, r.lag.committed, r.lag.end, r.lag.lag]),
      [
        ['groupPartition', 'orders', 0, 2, 5, 3],
        ['groupPartition', 'orders', 1, 3, 3, 0],
        ['groupPartition', 'orders', 2, 1, 4, 3],
      ],
    );
  });

  it('reloads one group, its lag and description, when that group is refreshed', async () => {
    const billing = (await groups()).find((g) => g.name === 'billing');
    assert.ok(billing);
    await children(billing);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({ groupId: 'billing', topic: 'orders', partitions: [{ partition: 0, offset: '5' }] });
    } finally {
      await admin.disconnect();
    }
    const ordersOf = async (node: GroupNode) => (await children(node)).find((n) => n.kind === 'groupTopic') as ExplorerNode;
    assert.strictEqual(String((await ordersOf(billing)).description), 'lag 6', 'cached until refreshed');
    assert.strictEqual(totalLag(billing), 6);
    await refresh(billing);
    const rows = (await children(await ordersOf(billing))) as GroupPartitionNode[];
    assert.deepStrictEqual(
      rows.map((r) => r.lag.lag),
      [0, 0, 3],
    );
    assert.strictEqual(totalLag(billing), 3, JSON.stringify(billing.lag));
    assert.match(String(billing.description), /\b3\b/);
  });

  it('copies a topic name, a group id and a broker address', async () => {
    const orders = (await topics()).find((t) => t.name === 'orders');
    assert.strictEqual(await vscode.commands.executeCommand('ckafka.copyName', orders), 'orders');
    assert.strictEqual(await vscode.env.clipboard.readText(), 'orders');
    const billing = (await groups()).find((g) => g.name === 'billing');
    assert.strictEqual(await vscode.commands.executeCommand('ckafka.copyName', billing), 'billing');
    const [first] = (await children(await folder(ids.main, 'brokers'))) as BrokerNode[];
    assert.strictEqual(await vscode.commands.executeCommand('ckafka.copyName', first), broker.brokers[0]);
    assert.strictEqual(await vscode.env.clipboard.readText(), broker.brokers[0]);
  });

  it('shows an active group with its member, and refuses to delete it until it is empty', async () => {
    const consumer = kafka.consumer({ groupId: 'live', sessionTimeout: 10_000, heartbeatInterval: 500 });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: 'events', fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
      let live: GroupNode | undefined;
      const deadline = Date.now() + 20_000;
      while (!live && Date.now() < deadline) {
        await refresh(await folder(ids.main, 'groups'));
        live = (await groups()).find((g) => g.name === 'live' && g.contextValue === 'group.active' && g.group.state === 'Stable');
        if (!live) {
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      assert.ok(live, 'the live group shows as active');
      const members = (await children(live)).filter((n) => n.kind === 'member');
      assert.strictEqual(members.length, 1);
      assert.strictEqual(members[0].contextValue, 'member');

      const shown = screen.messages.length;
      const refused = await vscode.commands.executeCommand<boolean>('ckafka.deleteGroup', { clusterId: ids.main, groupId: 'live', confirm: true });
      assert.strictEqual(refused, false);
      assert.ok(screen.messages.length > shown, 'the refusal is shown');
      assert.ok(screen.messages[screen.messages.length - 1].includes('live'), screen.messages[screen.messages.length - 1]);
      assert.ok(broker.cluster.groups.listGroupIds().includes('live'), 'the group was not deleted');
    } finally {
      await consumer.disconnect();
    }
    await waitFor('the live group to be empty', () => (broker.cluster.groups.memberCount('live') === 0 ? true : undefined));
    assert.strictEqual(await vscode.commands.executeCommand<boolean>('ckafka.deleteGroup', { clusterId: ids.main, groupId: 'live', confirm: true }), true);
    assert.ok(!(await groups()).some((g) => g.name === 'live'), 'the deleted group left the tree');
  });

  it('deletes an empty group and drops it from the tree', async () => {
    assert.ok((await groups()).some((g) => g.name === 'billing'));
    assert.strictEqual(await vscode.commands.executeCommand<boolean>('ckafka.deleteGroup', { clusterId: ids.main, groupId: 'billing', confirm: true }), true);
    assert.ok(!(await groups()).some((g) => g.name === 'billing'));
    assert.ok(!broker.cluster.groups.listGroupIds().includes('billing'));
  });

  it('shows the brokers with host:port and the controller marked', async () => {
    const nodes = (await children(await folder(ids.main, 'brokers'))) as BrokerNode[];
    assert.deepStrictEqual(
      nodes.map((b) => [b.contextValue, b.broker.nodeId, b.name]),
      broker.brokers.map((address, i) => ['broker', i, address]),
    );
    const controllers = nodes.filter((b) => b.broker.controller);
    assert.strictEqual(controllers.length, 1);
    assert.strictEqual(controllers[0].broker.nodeId, broker.cluster.coordinatorId());
    for (const b of nodes) {
      assert.ok(String(b.description).includes(b.name));
      assert.strictEqual(String(b.description) === b.name, !b.broker.controller, `only the controller is marked: ${String(b.description)}`);
    }
  });

  it('applies the topic filter and internal-topic settings as soon as they change', async () => {
    const config = () => vscode.workspace.getConfiguration('ckafka.explorer');
    const shows = (names: string[]) => async () => {
      const now = await topicNames();
      return JSON.stringify(now) === JSON.stringify(names) ? true : undefined;
    };
    const waitForTopics = async (names: string[]) => {
      const deadline = Date.now() + 10_000;
      while (!(await shows(names)())) {
        assert.ok(Date.now() < deadline, `topics ${JSON.stringify(await topicNames())}, expected ${JSON.stringify(names)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await waitForTopics(['events', 'orders']);
    try {
      await config().update('topicFilter', 'ord*', vscode.ConfigurationTarget.Global);
      await waitForTopics(['orders']);
      await config().update('topicFilter', 'nothing-*, ev?nts', vscode.ConfigurationTarget.Global);
      await waitForTopics(['events']);
      await config().update('topicFilter', 'nothing-*', vscode.ConfigurationTarget.Global);
      await waitForTopics([]);
      const only = await children(await folder(ids.main, 'topics'));
      assert.deepStrictEqual(
        only.map((n) => n.contextValue),
        ['message'],
      );
      await config().update('topicFilter', undefined, vscode.ConfigurationTarget.Global);
      await config().update('showInternalTopics', true, vscode.ConfigurationTarget.Global);
      await waitForTopics(['__internal_state', 'events', 'orders']);
    } finally {
      await config().update('topicFilter', undefined, vscode.ConfigurationTarget.Global);
      await config().update('showInternalTopics', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForTopics(['events', 'orders']);
  });

  it('creates a topic and deletes it through the argument objects, the tree following', async () => {
    const topic = `created-${RUN}`;
    const notice = (m: string) => m.includes('Topic 管理');
    await topicNames(); // loaded, so what follows shows the commands refresh it
    const created = await vscode.commands.executeCommand<boolean>('ckafka.createTopic', { clusterId: ids.main, topic, partitions: 2, replicationFactor: 2 });
    assert.strictEqual(created, true, screen.messages.join('\n'));
    const node = (await topics()).find((t) => t.name === topic);
    assert.ok(node, 'the new topic is in the tree');
    assert.strictEqual(node.topic.partitions.length, 2);

    const deleted = await vscode.commands.executeCommand<boolean>('ckafka.deleteTopic', { clusterId: ids.main, topic, confirm: true });
    assert.strictEqual(deleted, true, screen.messages.join('\n'));
    assert.ok(!(await topicNames()).includes(topic), 'the deleted topic left the tree');
    assert.ok(!broker.cluster.topics.get(topic));
    assert.ok(screen.messages.filter(notice).length <= 1, 'the console notice is shown at most once');
  });

  it('refuses a bad topic name, a replication factor above the broker count, and an existing topic, with a message', async () => {
    const attempts = [
      { clusterId: ids.main, topic: 'bad name', partitions: 1, replicationFactor: 1 },
      { clusterId: ids.main, topic: `too-replicated-${RUN}`, partitions: 1, replicationFactor: 3 },
      { clusterId: ids.main, topic: 'orders', partitions: 1, replicationFactor: 1 },
    ];
    for (const args of attempts) {
      const shown = screen.messages.length;
      assert.strictEqual(await vscode.commands.executeCommand<boolean>('ckafka.createTopic', args), false, args.topic);
      const last = screen.messages[screen.messages.length - 1];
      assert.ok(screen.messages.length > shown && last.includes(args.topic), `message for ${args.topic}: ${last}`);
    }
    assert.ok(!broker.cluster.topics.get(`too-replicated-${RUN}`));
    assert.strictEqual(broker.cluster.topics.get('orders')?.partitions.length, 3);
  });

  it('shows an error node with the authentication hint, in well under 10 s, for a wrong password', async () => {
    await addCluster(ids.badPassword, broker.bootstrap, SANDBOX_USER, 'not-the-password');
    const shown = screen.messages.length;
    const started = Date.now();
    const topicsFolder = await folder(ids.badPassword, 'topics');
    const nodes = await children(topicsFolder);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 8000, `took ${elapsed} ms`);
    assert.strictEqual(nodes.length, 1);
    const error = nodes[0] as ErrorNode;
    assert.strictEqual(error.contextValue, 'error');
    assert.strictEqual(error.failure.cause, 'authentication');
    assert.ok(String(error.label).includes('instanceId#username'), String(error.label));
    assert.ok(String(error.label).includes('用户管理'), String(error.label));
    assert.ok((error.tooltip as vscode.MarkdownString).value.length > 0);
    assert.strictEqual(error.command?.command, 'ckafka.refresh');
    assert.ok(error.command?.arguments?.[0] === topicsFolder, 'retry refreshes the parent');
    assert.strictEqual(screen.messages.length, shown, 'no notification from the tree');
    assert.strictEqual((await clusterNode(ids.badPassword)).status, 'error');
    assert.deepStrictEqual(((await clusterNode(ids.badPassword)).iconPath as vscode.ThemeIcon).color, new vscode.ThemeColor('list.errorForeground'));
  });

  it('shows an error node with the unreachable hint, in under 10 s, for a closed port', async () => {
    await addCluster(ids.closedPort, `127.0.0.1:${await freePort()}`, SANDBOX_USER, SANDBOX_PASSWORD);
    const started = Date.now();
    const nodes = await children(await folder(ids.closedPort, 'groups'));
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    assert.deepStrictEqual(
      nodes.map((n) => n.contextValue),
      ['error'],
    );
    const error = nodes[0] as ErrorNode;
    assert.strictEqual(error.failure.cause, 'refused');
    assert.ok(String(error.label).includes('接入方式'), String(error.label));
  });

  it('loads a failed cluster again, without a manual refresh, once its password is changed', async () => {
    const [error] = await children(await folder(ids.badPassword, 'topics'));
    assert.strictEqual(error.contextValue, 'error');
    await vscode.commands.executeCommand('ckafka.changePassword', ids.badPassword, SANDBOX_PASSWORD);
    assert.deepStrictEqual(await topicNames(ids.badPassword), ['events', 'orders']);
    assert.strictEqual((await clusterNode(ids.badPassword)).status, 'connected');
  });

  it('shows the ACL hint when a topic cannot be read, and its error node retries the topic', async () => {
    const orders = (await topics()).find((t) => t.name === 'orders');
    assert.ok(orders);
    broker.faults.failNext(LIST_OFFSETS, 1, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    await refresh(orders);
    const [error] = (await children(orders)) as ErrorNode[];
    assert.strictEqual(error.contextValue, 'error');
    assert.strictEqual(error.failure.cause, 'topicAuthorization');
    assert.ok(String(error.label).includes('ACL 策略管理'), String(error.label));
    assert.ok(error.command?.arguments?.[0] === orders, 'retry refreshes the topic');
    await vscode.commands.executeCommand(error.command?.command ?? '', ...(error.command?.arguments ?? []));
    assert.deepStrictEqual(
      (await children(orders)).map((n) => n.contextValue),
      ['partition', 'partition', 'partition'],
    );
  });

  it('shows an ACL-limited user only what its policies allow', async () => {
    await addCluster(ids.limited, broker.bootstrap, LIMITED_USER, LIMITED_PASSWORD);
    assert.deepStrictEqual(await topicNames(ids.limited), ['orders']);
    const groupNodes = await children(await folder(ids.limited, 'groups'));
    assert.deepStrictEqual(
      groupNodes.map((n) => n.contextValue),
      ['message'],
    );
  });
});
