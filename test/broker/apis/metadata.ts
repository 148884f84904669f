import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import { Cluster } from '../state/cluster';
import { Topic, TOPIC_NAME } from '../state/topics';
import { Api } from './api';

/** The brokers holding a partition's replicas, leader first (the broker keeps one copy; this is what it reports). */
export function replicasOf(cluster: Cluster, topic: Topic, partition: number): number[] {
  const n = cluster.nodes.length;
  const leader = cluster.leaderOf(topic.name, partition);
  const first = leader >= 0 ? leader : 0;
  return Array.from({ length: Math.min(topic.replicationFactor, n) }, (_, i) => (first + i) % n);
}

export const metadata: Api = {
  key: 3,
  name: 'Metadata',
  min: 0,
  max: 8,
  handle: ({ body, version, cluster, conn, injected }) => {
    const requested = body.array((r) => r.string());
    const allowAutoCreate = version >= 4 ? body.bool() : true;
    const all = requested === null || (version === 0 && requested.length === 0);
    const user = conn.principal;
    const entries: { name: string; error: number; topic?: Topic }[] = [];
    if (all) {
      for (const topic of cluster.topics.all().sort((a, b) => a.name.localeCompare(b.name))) {
        if (cluster.auth.canDescribe(user, topic.name)) {
          entries.push({ name: topic.name, error: ErrorCode.NONE, topic });
        }
      }
    } else {
      for (const name of requested ?? []) {
        let topic = cluster.topics.get(name);
        if (!topic && cluster.options.autoCreateTopics && allowAutoCreate && TOPIC_NAME.test(name) && cluster.auth.canWrite(user, name)) {
          topic = cluster.topics.create({ name, partitions: 1 });
          cluster.log(`auto-created topic ${name}`);
        }
        const error = !cluster.auth.canDescribe(user, name)
          ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
          : !topic
            ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
            : (injected ?? ErrorCode.NONE);
        entries.push({ name, error, topic: error === ErrorCode.NONE ? topic : undefined });
      }
    }
    const w = new Writer(1024);
    if (version >= 3) {
      w.int32(0);
    }
    w.array(cluster.liveNodes(), (w, node) => {
      w.int32(node.id).string(node.host).int32(node.port);
      if (version >= 1) {
        w.nullableString(null);
      }
    });
    if (version >= 2) {
      w.nullableString(cluster.options.clusterId);
    }
    if (version >= 1) {
      w.int32(cluster.coordinatorId());
    }
    w.array(entries, (w, e) => {
      w.int16(e.error).string(e.name);
      if (version >= 1) {
        w.bool(e.name.startsWith('__'));
      }
      const partitions = e.topic ? e.topic.partitions.map((_, i) => i) : [];
      w.array(partitions, (w, p) => {
        const leader = cluster.leaderOf(e.name, p);
        const replicas = replicasOf(cluster, e.topic as Topic, p);
        const live = replicas.filter((id) => cluster.nodes[id].up);
        w.int16(leader < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE).int32(p).int32(leader);
        if (version >= 7) {
          w.int32(cluster.leaderEpoch);
        }
        w.array(replicas, (w, id) => w.int32(id));
        w.array(live, (w, id) => w.int32(id));
        if (version >= 5) {
          w.array(
            replicas.filter((id) => !cluster.nodes[id].up),
            (w, id) => w.int32(id),
          );
        }
      });
      if (version >= 8) {
        w.int32(-2147483648);
      }
    });
    if (version >= 8) {
      w.int32(-2147483648);
    }
    return w.done();
  },
};
