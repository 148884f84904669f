import * as assert from 'assert';
import * as vscode from 'vscode';
import { SANDBOX_PASSWORD } from '../broker';
import { activate, PLAINTEXT_TEST_PASSWORD } from './helpers';
import { screen } from './shown';

/**
 * Every password the suites typed or gave their brokers (test/suite/*.test.ts); none may appear in anything
 * the extension or VS Code wrote, showed or logged.
 */
const PASSWORDS = [SANDBOX_PASSWORD, 'wrong-password', 'not-the-password', 'reader-secret', 'limited-secret', 'limited-produce-secret', PLAINTEXT_TEST_PASSWORD, 'no-idempotent-secret', 'spaced secret'];

async function filesUnder(dir: vscode.Uri, out: vscode.Uri[] = []): Promise<vscode.Uri[]> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(dir);
  } catch {
    return out;
  }
  for (const [name, type] of entries) {
    const child = vscode.Uri.joinPath(dir, name);
    if (type & vscode.FileType.Directory) {
      await filesUnder(child, out);
    } else if (type & vscode.FileType.File) {
      out.push(child);
    }
  }
  return out;
}

describe('no secret anywhere (runs after the other suites)', function () {
  this.timeout(60_000);

  it('finds no password in settings, global state, storage, output channels or logs', async () => {
    const api = await activate();
    api.log.info('secret scan: flushing the log channel');
    await new Promise((r) => setTimeout(r, 1500));
    const storage = [api.globalStorageUri, ...(api.storageUri ? [api.storageUri] : [])];
    const roots = [vscode.Uri.joinPath(api.globalStorageUri, '..', '..', '..'), vscode.Uri.joinPath(api.logUri, '..', '..', '..'), ...storage];
    const files = [...new Map((await Promise.all(roots.map((r) => filesUnder(r)))).flat().map((f) => [f.toString(), f])).values()];
    const scanned = files.map((f) => f.toString());
    console.log(`      scanned ${files.length} files under ${roots.map((r) => r.fsPath).join(', ')}`);
    // The extension's own storage directories are inside the scanned roots (or scanned themselves).
    for (const dir of storage) {
      assert.ok(roots.slice(0, 2).some((r) => dir.toString().startsWith(r.toString())) || roots.includes(dir), `the scan covers ${dir.toString()}`);
    }
    assert.ok(scanned.some((f) => f.endsWith('settings.json')), 'the scan covers settings.json');
    assert.ok(scanned.some((f) => /CKafka\.log$|ckafka-vscode/i.test(f)), 'the scan covers the extension log');
    const leaks: string[] = [];
    for (const file of files) {
      const bytes = await vscode.workspace.fs.readFile(file);
      if (bytes.length > 20_000_000) {
        continue;
      }
      const text = Buffer.from(bytes).toString('latin1');
      for (const password of PASSWORDS) {
        if (text.includes(password)) {
          leaks.push(`${file.toString()} holds ${password}`);
        }
      }
    }
    assert.deepStrictEqual(leaks, [], `scanned ${files.length} files`);
    // Messages shown to the user (errors included) and the questions asked.
    for (const message of [...screen.messages, ...screen.prompts]) {
      for (const password of PASSWORDS) {
        assert.ok(!message.includes(password), `a message shown to the user holds a password: ${message}`);
      }
    }
    // Every consumer channel still open, running or stopped, read from what it holds.
    const channels = api.consumers.withChannels();
    for (const consumer of channels) {
      const text = consumer.lines().join('\n');
      for (const password of PASSWORDS) {
        assert.ok(!text.includes(password), `the output channel ${consumer.channelName} holds ${password}`);
      }
    }
    console.log(`      checked ${screen.messages.length} messages, ${screen.prompts.length} prompts and ${channels.length} consumer channels`);
  });
});
