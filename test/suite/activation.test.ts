import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activate, EXTENSION_ID, waitFor } from './helpers';

describe('extension activation', () => {
  it('activates and hands back its API', async () => {
    const api = await activate();
    assert.strictEqual(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.strictEqual(api.log.name, 'CKafka');
  });

  it('registers every command it contributes', async () => {
    await activate();
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: { command: string }[] } };
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.ok(contributed.length > 0);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepStrictEqual(missing, []);
  });

  it('runs the bundled dist/extension.js, not the sources', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const main = (extension.packageJSON as { main: string }).main;
    assert.strictEqual(main, './dist/extension.js');
    assert.ok(fs.existsSync(path.join(extension.extensionPath, main)));
  });
});

describe('CKafka: Show Output', () => {
  it('shows the "CKafka" log channel', async () => {
    const api = await activate();
    api.log.info('show-output test line');
    // The workbench opens the channel's document asynchronously; a host that is still starting up can
    // take a while, so the command is repeated until the document is there.
    const find = () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.uri.path.includes('CKafka'));
    for (let i = 0; i < 6 && !find(); i++) {
      await vscode.commands.executeCommand('ckafka.showOutput');
      await waitFor('the CKafka output document', find, 5_000).catch(() => undefined);
    }
    const doc = await waitFor('the CKafka output document', find);
    await waitFor('the test line in the channel', () => (doc.getText().includes('show-output test line') ? true : undefined));
  });
});
