import type { ClusterStore } from './store';

/**
 * `npm run sandbox` starts VS Code with the demo cluster already in the user settings, and its password in
 * the server's environment (CKAFKA_SANDBOX_CLUSTER_ID, CKAFKA_SANDBOX_PASSWORD), never in a file. At
 * activation the password goes where every password goes, SecretStorage, and the variables are removed so
 * that no child process inherits them. Outside the sandbox the variables are unset and this does nothing.
 */
export function adoptSandboxPassword(store: ClusterStore, env: NodeJS.ProcessEnv = process.env): void {
  const id = env.CKAFKA_SANDBOX_CLUSTER_ID;
  const password = env.CKAFKA_SANDBOX_PASSWORD;
  delete env.CKAFKA_SANDBOX_CLUSTER_ID;
  delete env.CKAFKA_SANDBOX_PASSWORD;
  if (id && password !== undefined) {
    store.adoptPassword(id, password);
  }
}
