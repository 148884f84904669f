import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import { TOPIC_NAME } from '../state/topics';
import { Api } from './api';

/** What CreateTopics says when topics may only be made in the console (the `refuseTopicAdmin` option). */
const TOPIC_ADMIN_REFUSED = 'Topics are created and deleted in the CKafka console on this cluster, not through the admin API.';

export const createTopics: Api = {
  key: 19,
  name: 'CreateTopics',
  min: 0,
  max: 4,
  handle: ({ body, version, cluster, conn, injected }) => {
    const topics = body.list((r) => ({
      name: r.string(),
      partitions: r.int32(),
      replicationFactor: r.int16(),
      assignments: r.list((r) => ({ index: r.int32(), brokers: r.list((r) => r.int32()) })),
      configs: r.list((r) => ({ name: r.string(), value: r.nullableString() })),
    }));
    body.int32(); // timeout_ms
    const validateOnly = version >= 1 ? body.bool() : false;
    const results = topics.map((t) => {
      const partitions = t.partitions === -1 ? 1 : t.partitions;
      const replicationFactor = t.replicationFactor === -1 ? Math.min(3, cluster.nodes.length) : t.replicationFactor;
      const fail = (error: number, message: string) => ({ name: t.name, error, message });
      if (injected !== undefined) {
        return fail(injected, 'injected failure');
      }
      if (cluster.options.refuseTopicAdmin) {
        return fail(ErrorCode.POLICY_VIOLATION, TOPIC_ADMIN_REFUSED);
      }
      if (!cluster.auth.canWrite(conn.principal, t.name)) {
        return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.');
      }
      if (!TOPIC_NAME.test(t.name) || t.name === '.' || t.name === '..') {
        return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "${t.name}" is illegal`);
      }
      if (cluster.topics.get(t.name)) {
        return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
      }
      if (t.assignments.length > 0) {
        return fail(ErrorCode.INVALID_REQUEST, 'Manual replica assignment is not supported by this broker.');
      }
      if (partitions < 1) {
        return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
      }
      if (replicationFactor < 1 || replicationFactor > cluster.nodes.length) {
        return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${replicationFactor} larger than available brokers: ${cluster.nodes.length}.`);
      }
      if (!validateOnly) {
        const configs = Object.fromEntries(t.configs.filter((c) => c.value !== null).map((c) => [c.name, c.value as string]));
        cluster.topics.create({ name: t.name, partitions, replicationFactor, configs });
        cluster.markDirty();
        cluster.log(`created topic ${t.name} with ${partitions} partition(s)`);
      }
      return { name: t.name, error: ErrorCode.NONE, message: null };
    });
    const w = new Writer();
    if (version >= 2) {
      w.int32(0);
    }
    w.array(results, (w, r) => {
      w.string(r.name).int16(r.error);
      if (version >= 1) {
        w.nullableString(r.message);
      }
    });
    return w.done();
  },
};

export const deleteTopics: Api = {
  key: 20,
  name: 'DeleteTopics',
  min: 0,
  max: 3,
  handle: ({ body, version, cluster, conn, injected }) => {
    const names = body.list((r) => r.string());
    body.int32(); // timeout_ms
    const results = names.map((name) => {
      if (injected !== undefined) {
        return { name, error: injected };
      }
      if (cluster.options.refuseTopicAdmin) {
        return { name, error: ErrorCode.POLICY_VIOLATION };
      }
      if (!cluster.auth.canWrite(conn.principal, name)) {
        return { name, error: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
      }
      if (!cluster.topics.delete(name)) {
        return { name, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      }
      cluster.markDirty();
      cluster.log(`deleted topic ${name}`);
      return { name, error: ErrorCode.NONE };
    });
    const w = new Writer();
    if (version >= 1) {
      w.int32(0);
    }
    return w.array(results, (w, r) => w.string(r.name).int16(r.error)).done();
  },
};

const TOPIC_RESOURCE = 2;
const BROKER_RESOURCE = 4;
const SOURCE_TOPIC = 1;
const SOURCE_DEFAULT = 5;

export const describeConfigs: Api = {
  key: 32,
  name: 'DescribeConfigs',
  min: 0,
  max: 2,
  handle: ({ body, version, cluster, conn }) => {
    const resources = body.list((r) => ({ type: r.int8(), name: r.string(), keys: r.array((r) => r.string()) }));
    if (version >= 1) {
      body.bool(); // include_synonyms: there are none to report
    }
    const defaults: Record<string, string> = {
      'max.message.bytes': String(cluster.options.maxMessageBytes),
      'retention.ms': '604800000',
      'cleanup.policy': 'delete',
      'min.insync.replicas': '1',
      'message.timestamp.type': 'CreateTime',
    };
    const results = resources.map((res) => {
      let error: number = ErrorCode.NONE;
      let message: string | null = null;
      let entries: { name: string; value: string; source: number }[] = [];
      if (res.type === TOPIC_RESOURCE) {
        const topic = cluster.topics.get(res.name);
        if (!cluster.auth.canDescribe(conn.principal, res.name)) {
          error = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
        } else if (!topic) {
          error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          message = `Topic '${res.name}' does not exist.`;
        } else {
          entries = Object.entries({ ...defaults, ...topic.configs }).map(([name, value]) => ({
            name,
            value,
            source: name in topic.configs ? SOURCE_TOPIC : SOURCE_DEFAULT,
          }));
        }
      } else if (res.type === BROKER_RESOURCE) {
        entries = [
          { name: 'message.max.bytes', value: String(cluster.options.maxMessageBytes), source: SOURCE_DEFAULT },
          { name: 'auto.create.topics.enable', value: String(cluster.options.autoCreateTopics), source: SOURCE_DEFAULT },
          { name: 'num.partitions', value: '1', source: SOURCE_DEFAULT },
        ];
      } else {
        error = ErrorCode.INVALID_REQUEST;
        message = `Unsupported resource type ${res.type}`;
      }
      if (res.keys) {
        const wanted = new Set(res.keys);
        entries = entries.filter((e) => wanted.has(e.name));
      }
      return { ...res, error, message, entries };
    });
    const w = new Writer().int32(0);
    w.array(results, (w, r) => {
      w.int16(r.error).nullableString(r.message).int8(r.type).string(r.name);
      w.array(r.entries, (w, e) => {
        w.string(e.name).nullableString(e.value).bool(false);
        if (version === 0) {
          w.bool(e.source === SOURCE_DEFAULT);
        } else {
          w.int8(e.source);
        }
        w.bool(false); // is_sensitive
        if (version >= 1) {
          w.int32(0); // synonyms
        }
      });
    });
    return w.done();
  },
};

export const initProducerId: Api = {
  key: 22,
  name: 'InitProducerId',
  min: 0,
  max: 1,
  handle: ({ body, cluster, conn, injected }) => {
    const transactionalId = body.nullableString();
    body.int32(); // transaction_timeout_ms
    const w = new Writer().int32(0);
    if (injected !== undefined) {
      return w.int16(injected).int64(-1).int16(-1).done();
    }
    if (transactionalId !== null) {
      // Transactions are not part of CKafka's public route; say so the way a broker without a coordinator would.
      return w.int16(ErrorCode.COORDINATOR_NOT_AVAILABLE).int64(-1).int16(-1).done();
    }
    if (!cluster.auth.canIdempotentWrite(conn.principal)) {
      return w.int16(ErrorCode.CLUSTER_AUTHORIZATION_FAILED).int64(-1).int16(-1).done();
    }
    return w.int16(ErrorCode.NONE).int64(cluster.allocateProducerId()).int16(0).done();
  },
};
