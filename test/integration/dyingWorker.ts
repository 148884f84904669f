import { parentPort } from 'worker_threads';

/** A consumer thread that dies at its first message, as one out of memory would. */
parentPort?.on('message', () => {
  throw new Error('out of bounds on purpose');
});
