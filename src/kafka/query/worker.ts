import { parentPort, workerData } from 'worker_threads';
import { Scan } from './scan';
import type { WorkerInput } from './spec';

/**
 * The query worker thread's entry: runs one Scan and posts its events to the thread that started it
 * (run.ts). Bundled on its own, so that the extension's main bundle does not carry it.
 */
const port = parentPort;
if (!port) {
  throw new Error('the query worker runs as a worker thread (see run.ts)');
}
const { spec, connection } = workerData as WorkerInput;
const scan = new Scan(spec, connection, (event, transfer) => port.postMessage(event, transfer));
port.on('message', (message: unknown) => {
  if ((message as { type?: unknown } | null)?.type === 'cancel') {
    scan.cancel();
  }
});
void scan.run().finally(() => port.close());
