import * as path from 'path';
import { runTests } from '@vscode/test-electron';

/**
 * Runs the same extension-host suite in desktop VS Code through @vscode/test-electron.
 * It downloads VS Code, so it needs internet access (and a display, or xvfb-run, on Linux).
 * Set CKAFKA_VSCODE_VERSION to pick a version (default: stable).
 */
async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..', '..');
  await runTests({
    version: process.env.CKAFKA_VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'test', 'suite', 'index.js'),
    launchArgs: [path.join(root, 'test', 'fixtures', 'workspace'), '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
