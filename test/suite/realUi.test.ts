import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { LocalBroker, SANDBOX_USER, startBroker } from '../broker';
import { activate, waitFor } from './helpers';
import { screen } from './shown';
import { ui, uiAvailable } from './ui';

/**
 * Add Cluster and Start Consumer as a person does them: every answer typed or clicked in the real quick
 * input of the workbench, through the browser (test/host/ui.ts); no argument object skips a prompt.
 */
const RUN = Date.now().toString(36);
const PASSWORD = `real-ui-secret-${RUN}`;
const [INSTANCE, USER] = SANDBOX_USER.split('#');

describe('real UI: quick picks and input boxes clicked and typed in the browser', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  const name = `real-ui-${RUN}`;

  before(async function () {
    if (!uiAvailable()) {
      console.log('      skipped: no browser drives this host (only the offline code-server host has one)');
      this.skip();
    }
    api = await activate();
    broker = await startBroker({ users: { [SANDBOX_USER]: PASSWORD } });
    broker.cluster.topics.create({ name: `real-ui-${RUN}`, partitions: 2 });
  });

  after(async () => {
    await vscode.commands.executeCommand('ckafka.stopAllConsumers');
    const added = api?.clusters.list().find((c) => c.name === name);
    if (added) {
      await api.clusters.remove(added.id);
    }
    await broker?.stop();
  });

  it('Add Cluster from start to finish: name, address, protocol, mechanism, instance, user and password, then Test Connection', async () => {
    const shown = screen.messages.length;
    const adding = vscode.commands.executeCommand<string | undefined>('ckafka.addCluster');
    await ui({ type: name, prompt: 'A name for this cluster' });
    await ui({ type: broker.bootstrap, prompt: 'Bootstrap servers' });
    await ui({ pick: 'SASL_PLAINTEXT' });
    await ui({ pick: 'PLAIN' });
    await ui({ type: INSTANCE, prompt: 'Instance ID' });
    await ui({ type: USER, prompt: 'User name from User Management' });
    await ui({ type: PASSWORD, prompt: 'Password of this user' });
    const id = await adding;
    assert.ok(id, 'the command resolved with the new cluster id');
    assert.deepStrictEqual(
      { ...api.clusters.get(id), id: undefined },
      { id: undefined, name, bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER },
    );
    await waitFor('Test Connection', () => screen.messages.slice(shown).find((m) => m.startsWith(`Connected to ${name}`)), 30_000);
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('ckafka').get('clusters')).includes(PASSWORD), 'the password is not in settings');
  });

  it('Start Consumer through its quick picks: the cluster, the topic, Earliest and an ephemeral group', async () => {
    const topic = `real-ui-${RUN}`;
    await api.sessions.producer(api.clusters.list().find((c) => c.name === name)!).then((p) =>
      p.sendBatch({ acks: -1, topicMessages: [{ topic, messages: [{ partition: 0, value: 'typed-0' }, { partition: 1, value: 'typed-1' }] }] }),
    );
    const before = new Set(api.consumers.list().map((c) => c.id));
    const starting = vscode.commands.executeCommand<string | undefined>('ckafka.startConsumer');
    if (api.clusters.list().length > 1) {
      await ui({ pick: name });
    }
    await ui({ pick: topic });
    await ui({ pick: 'Earliest' });
    await ui({ pick: 'Ephemeral group' });
    const id = await starting;
    assert.ok(id && !before.has(id), 'a new consumer started');
    const consumer = api.consumers.get(id)!;
    assert.ok(consumer.target.ephemeral);
    assert.strictEqual(consumer.target.from.kind, 'earliest');
    await waitFor('both records in the channel', () => (consumer.lines().filter((l) => /Value:\[typed-[01]\]$/.test(l)).length === 2 ? true : undefined), 20_000);
  });
});
