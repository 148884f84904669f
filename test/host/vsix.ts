import { execFileSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');

/**
 * Packages the built extension as `npm run package` does, into `out`. The README's images are relative
 * links, kept as they are: the project names no public repository for vsce to point them at.
 */
export function packageVsix(out: string): void {
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { cwd: root, stdio: 'ignore' });
}
