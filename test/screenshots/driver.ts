import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import * as vscode from 'vscode';
import type { ExplorerNode } from '../../src/views/explorer';
import { SANDBOX_PASSWORD, SANDBOX_USER } from '../broker';
import { activate, waitFor } from '../suite/helpers';
import { answerModals } from '../suite/ui';

/**
 * Runs inside the VS Code that `npm run screenshots` starts (as its extension-tests entry): puts the UI in
 * each state the README shows, through the vscode API, and asks the outer script to take the picture by
 * printing `ckafka-screenshot:<name>`; it goes on once the outer script has written `<name>.done`.
 */
const shotDir = process.env.CKAFKA_SHOT_DIR as string;
const bootstrap = process.env.CKAFKA_SHOT_BOOTSTRAP as string;

/**
 * Asks the outer script to do `what` (take a screenshot, drag a sash) and waits until it is done. A
 * screenshot's `clip` (x, y, width, height) is the part the walkthrough shows.
 */
async function ask(what: string, clip?: [number, number, number, number]): Promise<void> {
  await new Promise((r) => setTimeout(r, 1500));
  console.log(`ckafka-screenshot:${what}${clip ? `@${clip.join(',')}` : ''}`);
  const done = path.join(shotDir, `${what}.done`);
  await waitFor(what, () => (fs.existsSync(done) ? true : undefined), 60_000);
}

const shot = ask;

/** A group with committed offsets, so that the tree shows lag. */
async function commitDemoGroup(): Promise<void> {
  const kafka = new Kafka({ brokers: [bootstrap], sasl: { mechanism: 'plain', username: SANDBOX_USER, password: SANDBOX_PASSWORD }, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.setOffsets({ groupId: 'billing', topic: 'orders', partitions: [0, 1, 2].map((partition) => ({ partition, offset: String(60 + partition * 7) })) });
  await admin.disconnect();
}

export async function run(): Promise<void> {
  const api = await activate();
  await commitDemoGroup();
  await api.clusters.add({ id: 'sandbox', name: 'sandbox', bootstrapServers: bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER }, SANDBOX_PASSWORD);
  await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  await vscode.commands.executeCommand('workbench.view.extension.ckafka');
  await ask('widen-sidebar');
  const view = api.explorerView as vscode.TreeView<ExplorerNode>;
  const provider = api.explorer as NonNullable<typeof api.explorer>;
  const children = async (node?: ExplorerNode) => provider.getChildren(node);
  const [cluster] = await children();
  await view.reveal(cluster, { expand: true });
  const folders = await children(cluster);
  for (const folder of folders) {
    await view.reveal(folder, { expand: true });
  }
  const topics = await children(folders[0]);
  const orders = topics.find((t) => 'name' in t && t.name === 'orders');
  if (orders) {
    await view.reveal(orders, { expand: true, select: true });
  }
  const groups = await children(folders[1]);
  if (groups[0]) {
    await view.reveal(groups[0], { expand: true });
    const topic = (await children(groups[0])).find((n) => n.kind === 'groupTopic');
    if (topic) {
      await view.reveal(topic, { expand: true });
    }
  }
  await shot('explorer', [0, 36, 560, 400]);

  const folder = vscode.workspace.workspaceFolders?.[0]?.uri as vscode.Uri;
  const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, 'hello.txt'));
  editor.selections = [new vscode.Selection(2, 0, 3, editor.document.lineAt(3).text.length)];
  await shot('produce', [0, 36, 900, 260]);

  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const id = await vscode.commands.executeCommand<string>('ckafka.startConsumer', { clusterId: 'sandbox', topic: 'orders', from: 'earliest' });
  await waitFor('records in the consumer channel', () => ((api.consumers.get(id)?.received ?? 0) >= 300 ? true : undefined), 30_000);
  await vscode.commands.executeCommand('workbench.action.focusPanel');
  await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');
  await shot('consumer', [352, 36, 848, 400]);
  await vscode.commands.executeCommand('ckafka.stopAllConsumers');

  // Reset Group Offsets' dry run beside the group's lag per partition. The extension-test host shows no
  // modal dialog, so the question is answered "Cancel" here: nothing is written, the dry run stays shown.
  await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');
  await vscode.commands.executeCommand('workbench.action.closePanel');
  await vscode.commands.executeCommand('ckafka.refresh', folders[1]);
  const billing = (await children(folders[1])).find((g) => 'name' in g && g.name === 'billing');
  if (billing) {
    await view.reveal(billing, { expand: true });
    const topic = (await children(billing)).find((n) => n.kind === 'groupTopic');
    if (topic) {
      await view.reveal(topic, { expand: true, select: true });
    }
  }
  const modals = answerModals(undefined);
  try {
    await vscode.commands.executeCommand('ckafka.resetGroupOffsets', { clusterId: 'sandbox', groupId: 'billing', topic: 'orders', to: { timestamp: '30 minutes ago' } });
  } finally {
    modals.restore();
  }
  await shot('reset-dry-run');
}
