import { spawn } from 'child_process';
import { Target } from './env';

/** kcat's arguments to reach the target: the bootstrap list and the security settings. */
export function kcatConnection(target: Target): string[] {
  const args = ['-b', target.bootstrap, '-X', `security.protocol=${target.protocol.toLowerCase()}`];
  if (target.protocol !== 'PLAINTEXT') {
    args.push('-X', `sasl.mechanisms=${target.mechanism}`, '-X', `sasl.username=${target.username}`, '-X', `sasl.password=${target.password}`);
  }
  return args;
}

/**
 * kcat -P arguments that make librdkafka wait 200 ms before sending, so the lines of one short run go out as one
 * batch. Otherwise it may send the first lines it reads on their own, before the rest arrive, and it sends a batch
 * that compression would not shrink uncompressed: a test expecting only lz4 batches then finds a small 'none' one.
 */
export const ONE_BATCH = ['-X', 'linger.ms=200'];

/** Runs Debian's kcat (librdkafka) against the target; resolves with its output (as text and as bytes) and exit code. */
export function kcat(target: Target, args: string[], input?: string | Buffer, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stdoutBytes: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', [...kcatConnection(target), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(input);
  });
}
