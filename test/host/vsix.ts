import { execFileSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');

/**
 * Packages the built extension as `npm run package` does, or another extension folder (a test fixture,
 * which has no license), into `out`. The README's images are relative links, kept as they are: the project
 * names no public repository for vsce to point them at.
 */
export function packageVsix(out: string, folder = root): void {
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const flags = ['--allow-missing-repository', '--no-rewrite-relative-links', ...(folder === root ? [] : ['--skip-license'])];
  execFileSync(process.execPath, [vsce, 'package', ...flags, '--out', out], { cwd: folder, stdio: 'ignore' });
}
