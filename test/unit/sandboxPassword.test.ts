import * as assert from 'assert';
import { adoptSandboxPassword } from '../../src/clusters/sandbox';
import type { ClusterStore } from '../../src/clusters/store';
import type { ClusterSettings } from '../../src/kafka/cluster';

function storeWith(clusters: ClusterSettings[]) {
  const adopted: [string, string][] = [];
  const store = { get: (id: string) => clusters.find((c) => c.id === id), adoptPassword: (id: string, pw: string) => adopted.push([id, pw]) } as unknown as ClusterStore;
  return { store, adopted };
}

describe('the sandbox password hand-over (adoptSandboxPassword)', () => {
  const cluster = (bootstrapServers: string): ClusterSettings => ({ id: 'sandbox', name: 'sandbox', bootstrapServers, securityProtocol: 'SASL_PLAINTEXT' });

  it('adopts the password for a cluster on this machine and removes the variables', () => {
    const { store, adopted } = storeWith([cluster('127.0.0.1:9092')]);
    const env: NodeJS.ProcessEnv = { CKAFKA_SANDBOX_CLUSTER_ID: 'sandbox', CKAFKA_SANDBOX_PASSWORD: 'pw' };
    adoptSandboxPassword(store, env);
    assert.deepStrictEqual(adopted, [['sandbox', 'pw']]);
    assert.deepStrictEqual(env, {});
  });

  it('plants no password for a remote cluster, an unknown id, or without the variables', () => {
    for (const [clusters, env] of [
      [[cluster('ckafka-abc.ap-guangzhou.ckafka.tencentcloudmq.com:50000')], { CKAFKA_SANDBOX_CLUSTER_ID: 'sandbox', CKAFKA_SANDBOX_PASSWORD: 'pw' }],
      [[cluster('127.0.0.1:9092,evil.example.com:9092')], { CKAFKA_SANDBOX_CLUSTER_ID: 'sandbox', CKAFKA_SANDBOX_PASSWORD: 'pw' }],
      [[cluster('127.0.0.1:9092')], { CKAFKA_SANDBOX_CLUSTER_ID: 'other', CKAFKA_SANDBOX_PASSWORD: 'pw' }],
      [[cluster('127.0.0.1:9092')], {}],
    ] as [ClusterSettings[], NodeJS.ProcessEnv][]) {
      const { store, adopted } = storeWith(clusters);
      adoptSandboxPassword(store, env);
      assert.deepStrictEqual(adopted, [], JSON.stringify(clusters));
      assert.deepStrictEqual(env, {});
    }
  });
});
