import { execFileSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');

/**
 * Packages the built extension as `npm run package` does, or another extension folder (a test fixture,
 * which has no license, repository or README images), into `out`. The extension's README images become
 * absolute URLs to its repository, as on the Marketplace.
 */
export function packageVsix(out: string, folder = root): void {
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const flags = folder === root ? [] : ['--allow-missing-repository', '--no-rewrite-relative-links', '--skip-license'];
  execFileSync(process.execPath, [vsce, 'package', ...flags, '--out', out], { cwd: folder, stdio: 'ignore' });
}
