import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import { Admin, Kafka, logLevel } from 'kafkajs';
import * as vscode from 'vscode';
import type { ResetOffsetsArgs, ResetResult } from '../../src/commands/resetOffsets';
import type { RunningConsumer } from '../../src/consumers/running';
import type { ExtensionApi } from '../../src/extension';
import type { ExplorerNode } from '../../src/views/explorer';
import type { GroupNode, GroupTopicNode } from '../../src/views/nodes';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import type { Target } from '../integration/env';
import { kcat, kcatConnection } from '../integration/kcat';
import { activate, waitFor } from './helpers';
import { answerModals, ui, uiAvailable } from './ui';
import { screen } from './shown';

/**
 * Consumer groups in the real extension host against a local broker: the group's subtree (state, members
 * with their partitions, lag per topic and partition), Reset Group Offsets with each strategy (the dry-run
 * document's table compared row for row, then the broker's committed offsets), the refusals, the modal
 * clicked in the browser, and Copy Group Offsets as JSON.
 */
const RUN = Date.now().toString(36);
const LIMITED = 'ckafka-sandbox#limited';
const LIMITED_PASSWORD = 'limited-secret';
const ids = { main: `groups-${RUN}`, limited: `groups-acl-${RUN}` };
const TOPIC = `reset-orders-${RUN}`;
/** Records per partition; partition p's record i has the timestamp T0 + i s + p·100 ms. */
const COUNTS = [10, 6, 8];
const T0 = Date.UTC(2026, 10, 24, 8, 0, 0);
/** Where every seeded group starts: lag 6, 4 and 3. */
const SEED = [4, 2, 5];
const group = (name: string) => `${name}-${RUN}`;
/** The groups seeded with SEED in `before`, one per test that changes offsets. */
const SEEDED = ['tree', 'earliest', 'latest', 'offset', 'pairs', 'shift-back', 'shift-forward', 'time', 'clamp', 'browser', 'cancel', 'consume', 'copy'].map(group);
const RECORD = /^Topic:\[([^\]]+)\] Partition:\[(\d+)\] Offset:\[(\d+)\]/;

describe('consumer groups: members, lag and Reset Group Offsets', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  let kafka: Kafka;
  let admin: Admin;
  let target: Target;

  const children = async (node?: ExplorerNode): Promise<ExplorerNode[]> => (await api.explorer?.getChildren(node)) ?? [];
  const groupNode = async (groupId: string): Promise<GroupNode> => {
    const [cluster] = (await children()).filter((n) => n.kind === 'cluster' && n.cluster.id === ids.main);
    const folder = (await children(cluster)).find((n) => n.kind === 'groups');
    assert.ok(folder, 'the groups folder');
    await vscode.commands.executeCommand('ckafka.refresh', folder);
    const node = (await children(folder)).find((n) => n.kind === 'group' && n.name === groupId);
    assert.ok(node, `group ${groupId} is in the tree`);
    return node as GroupNode;
  };
  /** `[label, description]` of each node. */
  const shown = (nodes: ExplorerNode[]) => nodes.map((n) => [String(n.label), String(n.description)]);
  const committed = (groupId: string) => COUNTS.map((_, p) => broker.cluster.groups.committed(groupId, TOPIC, p) ?? null);
  const lastMessage = () => screen.messages[screen.messages.length - 1] ?? '';
  const reset = (args: Omit<ResetOffsetsArgs, 'clusterId'> & { clusterId?: string }) => vscode.commands.executeCommand<ResetResult>('ckafka.resetGroupOffsets', { clusterId: ids.main, topic: TOPIC, ...args });

  /** The reset document of a group, once its text contains `until`. */
  /** The text of the group's reset document once it shows `until`, and, after an earlier reset of the group, once it is no longer `earlier`'s. */
  const documentOf = (groupId: string, until: string, earlier?: string) =>
    waitFor(`the reset document of ${groupId} showing "${until}"`, () => {
      const text = textOf(groupId);
      return text !== undefined && text.includes(until) && text !== earlier ? text : undefined;
    });
  // A second reset of a group shows the same document with new text, which VS Code reads some time after it changed.
  const textOf = (groupId: string) => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'ckafka' && d.getText().includes(`Consumer group: ${groupId}\n`))?.getText();
  /** The text of the group's reset document shown in an editor now, if any. */
  const dryRunOf = (groupId: string) =>
    vscode.window.visibleTextEditors.map((e) => e.document).find((d) => d.uri.scheme === 'ckafka' && d.getText().includes(`Consumer group: ${groupId}\n`))?.getText();
  /** The cells of the document's table, row by row, without the header and rule. */
  const table = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .slice(2)
      .map((l) =>
        l
          .slice(1, -1)
          .split(' | ')
          .map((c) => c.trim()),
      );

  before(async () => {
    api = await activate();
    broker = await startBroker({
      users: { [SANDBOX_USER]: SANDBOX_PASSWORD, [LIMITED]: LIMITED_PASSWORD },
      acls: { [LIMITED]: { read: ['reset-*'], groups: ['limited-*'] } },
    });
    target = { bootstrap: broker.bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', username: SANDBOX_USER, password: SANDBOX_PASSWORD };
    kafka = new Kafka({ clientId: 'groups-test', brokers: broker.brokers, sasl: { mechanism: 'plain', username: SANDBOX_USER, password: SANDBOX_PASSWORD }, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: COUNTS.length }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: TOPIC,
      messages: COUNTS.flatMap((n, partition) => Array.from({ length: n }, (_, i) => ({ partition, value: `${partition}-${i}`, timestamp: String(T0 + i * 1000 + partition * 100) }))),
    });
    await producer.disconnect();
    // kafkajs's setOffsets, independent of the code under test; the groups are seeded side by side.
    await Promise.all(SEEDED.map((groupId) => admin.setOffsets({ groupId, topic: TOPIC, partitions: SEED.map((offset, partition) => ({ partition, offset: String(offset) })) })));
    const add = (id: string, username: string, password: string) =>
      api.clusters.add({ id, name: id, bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username }, password);
    await add(ids.main, SANDBOX_USER, SANDBOX_PASSWORD);
    await add(ids.limited, LIMITED, LIMITED_PASSWORD);
  });

  after(async () => {
    await vscode.commands.executeCommand('ckafka.stopAllConsumers');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await admin?.disconnect();
    for (const id of Object.values(ids)) {
      if (api.clusters.get(id)) {
        await api.sessions.drop(id);
        await api.clusters.remove(id);
      }
    }
    await broker?.stop();
  });

  it('a group expands to its state, then per topic its lag, and per partition the committed offset, log end and lag', async () => {
    const node = await groupNode(group('tree'));
    const below = await children(node);
    assert.deepStrictEqual(shown(below), [
      ['State: Empty', 'no active member'],
      [TOPIC, 'lag 13'],
    ]);
    assert.deepStrictEqual(shown(await children(below[1])), [
      ['Partition 0', 'committed 4 · end 10 · lag 6'],
      ['Partition 1', 'committed 2 · end 6 · lag 4'],
      ['Partition 2', 'committed 5 · end 8 · lag 3'],
    ]);
    assert.strictEqual(below[1].contextValue, 'groupTopic');
  });

  it('shows a kcat -G member with its client id, host and partitions, and refuses a reset while it is there, naming it', async () => {
    const groupId = group('live');
    // At the log end, so kcat has nothing to read and nothing to commit.
    await admin.setOffsets({ groupId, topic: TOPIC, partitions: COUNTS.map((offset, partition) => ({ partition, offset: String(offset) })) });
    const live: ChildProcess = spawn('kcat', [...kcatConnection(target), '-X', 'client.id=reset-live-member', '-G', groupId, TOPIC, '-q'], { stdio: 'ignore' });
    try {
      let below: ExplorerNode[] = [];
      for (const deadline = Date.now() + 30_000; !below.some((n) => n.kind === 'member' && String(n.description).includes(TOPIC)); ) {
        assert.ok(Date.now() < deadline, `kcat's member in the tree: ${JSON.stringify(shown(below))}`);
        await new Promise((r) => setTimeout(r, 300));
        below = await children(await groupNode(groupId));
      }
      assert.deepStrictEqual(shown(below), [
        ['State: Stable', '1 member'],
        ['reset-live-member', `/127.0.0.1 · ${TOPIC}: 0, 1, 2`],
        [TOPIC, 'lag 0'],
      ]);
      const result = await reset({ groupId, to: 'earliest', confirm: true });
      assert.strictEqual(result.outcome, 'refused');
      const message = lastMessage();
      assert.ok(message.includes(`Consumer group ${groupId} has 1 active member(s): reset-live-member on /127.0.0.1.`), message);
      assert.ok(message.includes('stop the applications (or kcat) consuming with this group and try again'), message);
      assert.deepStrictEqual(committed(groupId), COUNTS, 'the committed offsets are unchanged');
    } finally {
      live.kill('SIGTERM');
    }
    await waitFor('kcat to leave the group', () => (broker.cluster.groups.memberCount(groupId) === 0 ? true : undefined), 20_000);
  });

  /** Runs a reset without questions and returns the document's table; checks that the broker holds the plan. */
  async function resetAndCheck(name: string, to: ResetOffsetsArgs['to'], partitions?: number[]): Promise<string[][]> {
    const groupId = group(name);
    const before = committed(groupId);
    const earlier = textOf(groupId);
    const result = await reset({ groupId, to, partitions, confirm: true });
    assert.strictEqual(result.outcome, 'written', lastMessage());
    const text = await documentOf(groupId, 'Read back from the broker', earlier);
    assert.ok(text.startsWith(`# Reset offsets of consumer group ${groupId}: written\n`), text);
    assert.ok(text.includes('every partition holds its new offset'), text);
    const rows = table(text);
    for (const row of rows) {
      assert.strictEqual(row[6], `✓ ${row[2]}`, `partition ${row[0]} read back as planned`);
    }
    const planned = new Map(rows.map((r) => [Number(r[0]), Number(r[2])]));
    assert.deepStrictEqual(
      committed(groupId),
      before.map((was, p) => planned.get(p) ?? was),
      'the broker holds the planned offsets, and the others are untouched',
    );
    const n = rows.length;
    assert.strictEqual(lastMessage(), `Reset the offsets of consumer group ${groupId} on ${TOPIC}: ${n} partition${n === 1 ? '' : 's'}, read back as planned.`);
    return rows.map((r) => r.slice(0, 6));
  }

  // Columns: Partition | Committed | New offset | Lag after | Log start–end | Note
  it('resets to earliest', async () => {
    assert.deepStrictEqual(await resetAndCheck('earliest', 'earliest'), [
      ['0', '4', '0', '10', '0–10', ''],
      ['1', '2', '0', '6', '0–6', ''],
      ['2', '5', '0', '8', '0–8', ''],
    ]);
  });

  it('resets to latest', async () => {
    assert.deepStrictEqual(await resetAndCheck('latest', 'latest'), [
      ['0', '4', '10', '0', '0–10', ''],
      ['1', '2', '6', '0', '0–6', ''],
      ['2', '5', '8', '0', '0–8', ''],
    ]);
  });

  it('resets to one offset on the chosen partitions', async () => {
    assert.deepStrictEqual(await resetAndCheck('offset', { offset: 3 }, [0, 2]), [
      ['0', '4', '3', '7', '0–10', ''],
      ['2', '5', '3', '5', '0–8', ''],
    ]);
  });

  it('resets to partition:offset pairs', async () => {
    assert.deepStrictEqual(await resetAndCheck('pairs', { offset: '1:5, 0:9' }), [
      ['0', '4', '9', '1', '0–10', ''],
      ['1', '2', '5', '1', '0–6', ''],
    ]);
  });

  it('shifts back by 3, clamping at the log start', async () => {
    assert.deepStrictEqual(await resetAndCheck('shift-back', { shift: -3 }), [
      ['0', '4', '1', '9', '0–10', ''],
      ['1', '2', '0', '6', '0–6', '⚠ clamped to start (asked -1)'],
      ['2', '5', '2', '6', '0–8', ''],
    ]);
  });

  it('shifts forward by 3 on the chosen partitions', async () => {
    assert.deepStrictEqual(await resetAndCheck('shift-forward', { shift: '+3' }, [0, 2]), [
      ['0', '4', '7', '3', '0–10', ''],
      ['2', '5', '8', '0', '0–8', ''],
    ]);
  });

  it('resets to a time: the first offset at or after it on each partition, as kcat -o s@<ms> finds it', async () => {
    const time = T0 + 2050;
    const rows = await resetAndCheck('time', { timestamp: new Date(time).toISOString() });
    assert.deepStrictEqual(rows, [
      ['0', '4', '3', '7', '0–10', ''],
      ['1', '2', '2', '4', '0–6', ''],
      ['2', '5', '2', '6', '0–8', ''],
    ]);
    for (const row of rows) {
      const { code, stdout, stderr } = await kcat(target, ['-C', '-t', TOPIC, '-p', row[0], '-o', `s@${time}`, '-c', '1', '-e', '-q', '-f', '%o\n']);
      assert.strictEqual(code, 0, stderr);
      assert.strictEqual(stdout.trim(), row[2], `partition ${row[0]}: kcat starts at ${stdout.trim()}`);
    }
  });

  it('clamps offsets past both ends of the log, and marks them', async () => {
    assert.deepStrictEqual(await resetAndCheck('clamp', { offset: '0:1000, 2:7' }), [
      ['0', '4', '10', '0', '0–10', '⚠ clamped to end (asked 1000)'],
      ['2', '5', '7', '1', '0–8', ''],
    ]);
    const text = await documentOf(group('clamp'), 'Read back');
    assert.ok(text.includes('1 offset(s) outside the log were clamped to its ends.'), text);
    assert.deepStrictEqual(await resetAndCheck('clamp', { shift: -100 }, [0, 1]), [
      ['0', '10', '0', '10', '0–10', '⚠ clamped to start (asked -90)'],
      ['1', '2', '0', '6', '0–6', '⚠ clamped to start (asked -98)'],
    ]);
  });

  it('through the real QuickPicks in the browser: the group and topic picked, a time typed, a partition unticked, then confirmed', async function () {
    if (!uiAvailable()) {
      this.skip();
    }
    const groupId = group('browser');
    // What the user sees while the modal is open: the dry-run document, and the broker not yet written.
    let seen: { document: string | undefined; committed: (number | null)[] } | undefined;
    const modals = answerModals('Reset Offsets', () => (seen = { document: dryRunOf(groupId), committed: committed(groupId) }));
    try {
      const running = reset({ clusterId: ids.main, topic: undefined });
      await ui({ pick: groupId });
      await ui({ pick: TOPIC });
      await ui({ pick: 'To a time…' });
      await ui({ type: '2026-11-24T08:00:02.150Z', prompt: 'An ISO date-time' });
      await ui({ pick: 'Partition 1' });
      await ui({ press: 'Enter', placeholder: 'Partitions to reset' });
      assert.strictEqual((await running).outcome, 'written', lastMessage());
    } finally {
      modals.restore();
    }
    assert.deepStrictEqual(
      modals.asked.map((q) => [q.message, q.buttons]),
      [[`Reset the offsets of consumer group ${groupId} on topic ${TOPIC}: 2 partitions?`, ['Reset Offsets']]],
    );
    assert.ok(modals.asked[0].detail?.includes(`Cluster ${ids.main}, strategy: to the first record at or after 2026-11-24T08:00:02.150Z`), modals.asked[0].detail);
    const { document, committed: whileAsked } = seen ?? { document: undefined, committed: [] };
    assert.ok(document?.startsWith(`# Reset offsets of consumer group ${groupId}: dry run\n`), document);
    assert.deepStrictEqual(table(document ?? ''), [
      ['0', '4', '3', '7', '0–10', ''],
      ['2', '5', '2', '6', '0–8', ''],
    ]);
    assert.deepStrictEqual(whileAsked, SEED, 'nothing is written while the question is open');
    assert.deepStrictEqual(committed(groupId), [3, 2, 2], 'partitions 0 and 2 at the time, partition 1 untouched');
  });

  it('from a group topic in the tree, cancelled at the modal: the dry run was shown and nothing is written', async function () {
    if (!uiAvailable()) {
      this.skip();
    }
    const groupId = group('cancel');
    const node = (await children(await groupNode(groupId))).find((n): n is GroupTopicNode => n.kind === 'groupTopic');
    assert.ok(node, 'the group topic node');
    let shownDryRun: string | undefined;
    const modals = answerModals(undefined, () => (shownDryRun = dryRunOf(groupId)));
    try {
      const running = vscode.commands.executeCommand<ResetResult>('ckafka.resetGroupOffsets', node);
      await ui({ pick: 'To earliest' });
      await ui({ press: 'Enter', placeholder: 'Partitions to reset' });
      assert.strictEqual((await running).outcome, 'cancelled');
    } finally {
      modals.restore();
    }
    assert.deepStrictEqual(
      modals.asked.map((q) => q.message),
      [`Reset the offsets of consumer group ${groupId} on topic ${TOPIC}: 3 partitions?`],
    );
    assert.deepStrictEqual(table(shownDryRun ?? ''), [
      ['0', '4', '0', '10', '0–10', ''],
      ['1', '2', '0', '6', '0–6', ''],
      ['2', '5', '0', '8', '0–8', ''],
    ]);
    assert.deepStrictEqual(committed(groupId), SEED, 'nothing was written');
  });

  it('afterwards, Start Consumer with that named group starts exactly at the new offsets', async () => {
    const groupId = group('consume');
    assert.strictEqual((await reset({ groupId, to: { offset: '0:7, 1:6, 2:0' }, confirm: true })).outcome, 'written', lastMessage());
    const id = await vscode.commands.executeCommand<string>('ckafka.startConsumer', { clusterId: ids.main, topic: TOPIC, group: groupId });
    const consumer = api.consumers.get(id) as RunningConsumer;
    assert.ok(consumer, lastMessage());
    const expected = ['0:7', '0:8', '0:9', ...Array.from({ length: 8 }, (_, i) => `2:${i}`)];
    const read = () =>
      consumer
        .lines()
        .map((l) => RECORD.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => `${m[2]}:${m[3]}`);
    await waitFor(`${expected.length} records`, () => (read().length >= expected.length ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepStrictEqual(read().sort(), expected.sort(), 'from 7 on partition 0, nothing on 1 (at its end), from 0 on partition 2');
    await vscode.commands.executeCommand('ckafka.stopConsumer', id);
  });

  it('names ACL 策略管理 for a group the user may not use, and says so clearly for an unknown group or topic', async () => {
    const denied = await vscode.commands.executeCommand<ResetResult>('ckafka.resetGroupOffsets', { clusterId: ids.limited, groupId: group('tree'), topic: TOPIC, to: 'earliest', confirm: true });
    assert.strictEqual(denied.outcome, 'failed');
    assert.ok(lastMessage().startsWith(`Cannot reset the offsets of consumer group ${group('tree')}: Not authorized for this consumer group`), lastMessage());
    assert.ok(lastMessage().includes('ACL 策略管理'), lastMessage());
    assert.deepStrictEqual(committed(group('tree')), SEED);

    assert.strictEqual((await reset({ groupId: group('never-used'), to: 'earliest', confirm: true })).outcome, 'failed');
    assert.strictEqual(lastMessage(), `Cannot reset the offsets of consumer group ${group('never-used')}: it does not exist on ${ids.main}.`);
    assert.strictEqual((await reset({ groupId: group('tree'), topic: `no-such-${RUN}`, to: 'earliest', confirm: true })).outcome, 'failed');
    assert.strictEqual(lastMessage(), `Cannot reset the offsets of consumer group ${group('tree')}: the topic no-such-${RUN} does not exist on ${ids.main}.`);
  });

  it('copies the committed offsets as JSON, for the whole group or one of its topics', async () => {
    const groupId = group('copy');
    const copied = await vscode.commands.executeCommand<string>('ckafka.copyGroupOffsets', await groupNode(groupId));
    assert.strictEqual(await vscode.env.clipboard.readText(), copied);
    const parsed = JSON.parse(copied) as { cluster: string; groupId: string; state: string; readAt: string; offsets: unknown[] };
    assert.deepStrictEqual({ ...parsed, readAt: undefined }, {
      cluster: ids.main,
      groupId,
      state: 'Empty',
      readAt: undefined,
      offsets: SEED.map((offset, partition) => ({ topic: TOPIC, partition, committed: offset, logEnd: COUNTS[partition], lag: COUNTS[partition] - offset })),
    });
    assert.ok(Math.abs(Date.parse(parsed.readAt) - Date.now()) < 60_000, parsed.readAt);
    assert.deepStrictEqual(
      SEED.map((_, p) => broker.cluster.groups.committed(groupId, TOPIC, p)),
      SEED,
      'what was copied is what the broker holds',
    );
  });
});
