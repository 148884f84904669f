import { lookup } from 'dns/promises';
import * as net from 'net';
import { kafkajs } from './lib';
import { ClusterSettings, ClientTimeouts, kafkaConfig, usesSasl } from './cluster';
import { BrokerAddress, parseBootstrapServers } from './connection';
import { classifyError, Failure } from './errors';

export type DiagnosisStep = 'resolve' | 'connect' | 'authenticate' | 'metadata' | 'topicAccess';

export interface StepReport {
  step: DiagnosisStep;
  ok: boolean;
  /** What the step found, e.g. `2 brokers, 14 topics`; for failures the detail of the error. */
  detail: string;
  /** For the metadata step: what the cluster has, for the UI to say in the user's language. */
  counts?: { brokers: number; topics: number };
  failure?: Failure;
}

/**
 * Tests a connection the way a user would debug it, one step at a time: name resolution, TCP connect,
 * SASL authentication, metadata, and access to one topic. Stops at the first failed step. Each network
 * step is bounded by the connection timeout, and kafkajs does not retry.
 */
export async function diagnose(
  settings: ClusterSettings,
  password: string | undefined,
  timeouts: ClientTimeouts,
  onStep: (report: StepReport) => void,
): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  const report = (r: StepReport) => {
    reports.push(r);
    onStep(r);
    return r.ok;
  };
  const fail = (step: DiagnosisStep, error: unknown) => {
    const failure = classifyError(error);
    return report({ step, ok: false, detail: failure.detail, failure });
  };
  let addresses: BrokerAddress[];
  try {
    addresses = parseBootstrapServers(settings.bootstrapServers);
    const resolved = await withTimeout(Promise.all(addresses.map((a) => lookup(a.host.replace(/^\[|\]$/g, '')))), timeouts.connectionTimeoutMs, 'name resolution');
    report({ step: 'resolve', ok: true, detail: resolved.map((r, i) => `${addresses[i].host} → ${r.address}`).join(', ') });
  } catch (error) {
    fail('resolve', error);
    return reports;
  }
  try {
    const reached = await firstReachable(addresses, timeouts.connectionTimeoutMs);
    report({ step: 'connect', ok: true, detail: `${reached.host}:${reached.port}` });
  } catch (error) {
    fail('connect', error);
    return reports;
  }
  const admin = new (kafkajs().Kafka)(kafkaConfig(settings, password, { ...timeouts, retries: 0 })).admin();
  try {
    try {
      await admin.connect();
      report({ step: 'authenticate', ok: true, detail: usesSasl(settings) ? `${settings.saslMechanism ?? 'PLAIN'} ${settings.username ?? ''}` : 'PLAINTEXT' });
    } catch (error) {
      fail('authenticate', error);
      return reports;
    }
    let topics: string[];
    try {
      const cluster = await admin.describeCluster();
      topics = (await admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
      report({ step: 'metadata', ok: true, detail: `${cluster.brokers.length} broker(s), ${topics.length} topic(s)`, counts: { brokers: cluster.brokers.length, topics: topics.length } });
    } catch (error) {
      fail('metadata', error);
      return reports;
    }
    if (topics.length > 0) {
      try {
        const offsets = await admin.fetchTopicOffsets(topics[0]);
        report({ step: 'topicAccess', ok: true, detail: `${topics[0]}: ${offsets.length} partition(s)` });
      } catch (error) {
        fail('topicAccess', error);
      }
    } else {
      report({ step: 'topicAccess', ok: true, detail: 'no topics to check' });
    }
    return reports;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function firstReachable(addresses: BrokerAddress[], timeoutMs: number): Promise<BrokerAddress> {
  return new Promise((resolve, reject) => {
    let failures = 0;
    let lastError: unknown;
    for (const address of addresses) {
      const socket = net.connect({ host: address.host.replace(/^\[|\]$/g, ''), port: address.port, timeout: timeoutMs });
      socket.once('connect', () => {
        socket.destroy();
        resolve(address);
      });
      const failed = (error: unknown) => {
        socket.destroy();
        lastError = error;
        if (++failures === addresses.length) {
          reject(lastError);
        }
      };
      socket.once('timeout', () => failed(Object.assign(new Error(`connect to ${address.host}:${address.port} timed out`), { code: 'ETIMEDOUT' })));
      socket.once('error', failed);
    }
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
