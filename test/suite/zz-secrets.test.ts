import * as assert from 'assert';
import * as vscode from 'vscode';
import { SANDBOX_PASSWORD } from '../broker';
import { activate } from './helpers';

/** Every password the suite typed; none may appear in anything the extension or VS Code wrote. */
const PASSWORDS = [SANDBOX_PASSWORD, 'wrong-password'];

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
    const roots = [vscode.Uri.joinPath(api.globalStorageUri, '..', '..', '..'), vscode.Uri.joinPath(api.logUri, '..', '..', '..')];
    const files = (await Promise.all(roots.map((r) => filesUnder(r)))).flat();
    const scanned = files.map((f) => f.toString());
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
    for (const message of api.messages) {
      for (const password of PASSWORDS) {
        assert.ok(!message.includes(password), `a message shown to the user holds a password: ${message}`);
      }
    }
  });
});
