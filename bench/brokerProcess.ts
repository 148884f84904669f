import { fork } from 'child_process';
import { SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../test/broker';
import { Target } from '../test/integration/env';

/**
 * The benchmarks' broker runs in a process of its own, as a real broker would: in the benchmark's own
 * process it would compete with the client being measured for the one JavaScript thread, and kcat, a
 * separate process, would not pay that cost.
 */
export async function startBrokerProcess(brokers = 1): Promise<Target & { stop(): Promise<void> }> {
  const child = fork(__filename, ['--serve', String(brokers)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve(String(m)));
    child.once('exit', (code) => reject(new Error(`the benchmark broker exited with ${code}`)));
  });
  return {
    bootstrap,
    protocol: 'SASL_PLAINTEXT',
    mechanism: 'PLAIN',
    username: SANDBOX_USER,
    password: SANDBOX_PASSWORD,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function serve(brokers: number): Promise<void> {
  const broker = await startBroker({ users: { [SANDBOX_USER]: SANDBOX_PASSWORD }, brokers });
  process.on('SIGTERM', () => void broker.stop().then(() => process.exit(0)));
  process.send?.(broker.bootstrap);
}

if (process.argv[2] === '--serve') {
  void serve(Number(process.argv[3]));
}
