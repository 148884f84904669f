import { isLoopbackHost } from '../kafka/cluster';
import { parseBootstrapServers } from '../kafka/connection';
import type { ClusterStore } from './store';

/**
 * `npm run sandbox` starts VS Code with the demo cluster already in the user settings, and its password in
 * the server's environment (CKAFKA_SANDBOX_CLUSTER_ID, CKAFKA_SANDBOX_PASSWORD), never in a file. At
 * activation the password goes where every password goes, SecretStorage, and the variables are removed so
 * that no child process inherits them. Outside the sandbox the variables are unset and this does nothing;
 * a password is adopted only for a cluster whose brokers are all on this machine.
 */
export function adoptSandboxPassword(store: ClusterStore, env: NodeJS.ProcessEnv = process.env): void {
  const id = env.CKAFKA_SANDBOX_CLUSTER_ID;
  const password = env.CKAFKA_SANDBOX_PASSWORD;
  delete env.CKAFKA_SANDBOX_CLUSTER_ID;
  delete env.CKAFKA_SANDBOX_PASSWORD;
  if (!id || password === undefined) {
    return;
  }
  // Only for a cluster of this machine, as the sandbox's is: the variables cannot plant a password for a remote cluster.
  const cluster = store.get(id);
  let local = false;
  try {
    local = cluster !== undefined && parseBootstrapServers(cluster.bootstrapServers).every((b) => isLoopbackHost(b.host));
  } catch {
    local = false;
  }
  if (local) {
    store.adoptPassword(id, password);
  }
}
