import * as fs from 'fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { formatBrokerAddress, parseBootstrapServers } from './connection';
import { kafkajs } from './lib';

export type SecurityProtocol = 'SASL_PLAINTEXT' | 'SASL_SSL' | 'PLAINTEXT';
export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = ['SASL_PLAINTEXT', 'SASL_SSL', 'PLAINTEXT'];
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** A cluster as it is kept in the `ckafka.clusters` setting. It never holds the password. */
export interface ClusterSettings {
  /** Stable identifier; the key of the password in SecretStorage. */
  id: string;
  name: string;
  /** Comma-separated `host:port` list. */
  bootstrapServers: string;
  securityProtocol: SecurityProtocol;
  /** For SASL protocols; PLAIN by default. */
  saslMechanism?: SaslMechanism;
  /** For SASL protocols: `instanceId#username` on CKafka. */
  username?: string;
  /** For SASL_SSL: a PEM file of the certificate authority to trust, instead of the system's. */
  caFile?: string;
  /** For SASL_SSL: skip the host-name check, as CKafka's demos do. */
  skipHostnameVerification?: boolean;
}

export function usesSasl(settings: Pick<ClusterSettings, 'securityProtocol'>): boolean {
  return settings.securityProtocol !== 'PLAINTEXT';
}

export interface ClientTimeouts {
  /** TCP connect timeout, and the bound on the whole authentication. */
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  /** kafkajs retries; keep small so failures reach the user in seconds, not minutes. */
  retries: number;
}

export const DEFAULT_TIMEOUTS: ClientTimeouts = { connectionTimeoutMs: 5000, requestTimeoutMs: 10_000, retries: 2 };

/** Turns the settings and the password into a kafkajs configuration. Validates the bootstrap list. */
export function kafkaConfig(settings: ClusterSettings, password: string | undefined, timeouts: ClientTimeouts = DEFAULT_TIMEOUTS): KafkaConfig {
  const brokers = parseBootstrapServers(settings.bootstrapServers).map(formatBrokerAddress);
  const sasl = usesSasl(settings) ? saslOptions(settings, password ?? '') : undefined;
  const ssl =
    settings.securityProtocol === 'SASL_SSL'
      ? {
          ca: settings.caFile ? [fs.readFileSync(settings.caFile, 'utf8')] : undefined,
          checkServerIdentity: settings.skipHostnameVerification ? () => undefined : undefined,
        }
      : false;
  return {
    clientId: 'ckafka-vscode',
    brokers,
    ssl,
    sasl,
    connectionTimeout: timeouts.connectionTimeoutMs,
    authenticationTimeout: timeouts.connectionTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    enforceRequestTimeout: true,
    retry: { retries: timeouts.retries, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: kafkajs().logLevel.NOTHING,
  };
}

function saslOptions(settings: ClusterSettings, password: string): SASLOptions {
  const username = settings.username ?? '';
  switch (settings.saslMechanism ?? 'PLAIN') {
    case 'SCRAM-SHA-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'SCRAM-SHA-512':
      return { mechanism: 'scram-sha-512', username, password };
    default:
      return { mechanism: 'plain', username, password };
  }
}

/** Whether a host name or IP literal is this machine's loopback: `localhost`, 127.0.0.0/8 or `::1`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) {
    return true;
  }
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) {
    return Number(v4[1]) === 127 && v4.slice(2).every((part) => Number(part) <= 255);
  }
  // IPv6: every group zero but the last, which is 1 (`::1`, `0:0:0:0:0:0:0:1`).
  const groups = h.split(':');
  return groups.length >= 3 && groups.length <= 8 && /^0{0,3}1$/.test(groups[groups.length - 1]) && groups.slice(0, -1).every((g) => /^0{0,4}$/.test(g));
}

/**
 * The brokers to which this cluster would send its SASL password unencrypted: with SASL_PLAINTEXT, every
 * broker of the bootstrap list that is not a loopback address. Empty when the list cannot be parsed.
 */
export function clearTextPasswordHosts(settings: Pick<ClusterSettings, 'securityProtocol' | 'bootstrapServers'>): string[] {
  if (settings.securityProtocol !== 'SASL_PLAINTEXT') {
    return [];
  }
  try {
    return parseBootstrapServers(settings.bootstrapServers)
      .filter((b) => !isLoopbackHost(b.host))
      .map(formatBrokerAddress);
  } catch {
    return [];
  }
}

/** Why an entry of `ckafka.clusters` cannot be used: the field, the value found, and what is wrong with it. */
export interface ClusterProblem {
  field: string;
  value: string;
  reason: 'missing' | 'unknownValue' | 'unsupported' | 'duplicateId';
}

/** One entry of `ckafka.clusters`: usable settings, or the problem that stops that cluster (never a weaker fallback). */
export type ClusterEntry = { settings: ClusterSettings; id?: undefined; name?: undefined; problem?: undefined } | { settings?: undefined; id?: string; name?: string; problem: ClusterProblem };

/** Matches an enumerated value case-insensitively, treating `-` and `_` alike, as hand-edited settings write them. */
function matchEnum<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const wanted = value.trim().toUpperCase().replace(/-/g, '_');
  return allowed.find((a) => a.replace(/-/g, '_') === wanted);
}

const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? String(value));

function readEntry(raw: unknown): ClusterEntry {
  const c = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const id = typeof c.id === 'string' && c.id.trim() !== '' ? c.id : undefined;
  const name = typeof c.name === 'string' ? c.name : undefined;
  const problem = (field: string, value: unknown, reason: ClusterProblem['reason']): ClusterEntry => ({ id, name, problem: { field, value: text(value), reason } });
  if (!id) {
    return problem('id', c.id, 'missing');
  }
  if (name === undefined || name.trim() === '') {
    return problem('name', c.name, 'missing');
  }
  if (typeof c.bootstrapServers !== 'string' || c.bootstrapServers.trim() === '') {
    return problem('bootstrapServers', c.bootstrapServers, 'missing');
  }
  if (c.securityProtocol === undefined) {
    return problem('securityProtocol', c.securityProtocol, 'missing');
  }
  const securityProtocol = matchEnum(c.securityProtocol, SECURITY_PROTOCOLS);
  if (!securityProtocol) {
    // SSL (TLS without SASL) is a real Kafka protocol this extension does not speak: never treat it as another.
    return problem('securityProtocol', c.securityProtocol, matchEnum(c.securityProtocol, ['SSL']) ? 'unsupported' : 'unknownValue');
  }
  const saslMechanism = c.saslMechanism === undefined || c.saslMechanism === null ? undefined : matchEnum(c.saslMechanism, SASL_MECHANISMS);
  if (c.saslMechanism !== undefined && c.saslMechanism !== null && !saslMechanism) {
    return problem('saslMechanism', c.saslMechanism, 'unknownValue');
  }
  for (const field of ['username', 'caFile'] as const) {
    if (c[field] !== undefined && typeof c[field] !== 'string') {
      return problem(field, c[field], 'unknownValue');
    }
  }
  if (c.skipHostnameVerification !== undefined && typeof c.skipHostnameVerification !== 'boolean') {
    return problem('skipHostnameVerification', c.skipHostnameVerification, 'unknownValue');
  }
  const settings: ClusterSettings = { id, name, bootstrapServers: c.bootstrapServers, securityProtocol };
  if (saslMechanism) {
    settings.saslMechanism = saslMechanism;
  }
  if (typeof c.username === 'string') {
    settings.username = c.username;
  }
  if (typeof c.caFile === 'string') {
    settings.caFile = c.caFile;
  }
  if (typeof c.skipHostnameVerification === 'boolean') {
    settings.skipHostnameVerification = c.skipHostnameVerification;
  }
  return { settings };
}

/**
 * Reads the raw `ckafka.clusters` array: each entry normalised (`sasl_ssl` is SASL_SSL, `scram-sha-512` is
 * SCRAM-SHA-512) or refused with the field at fault. Two entries with one id are both refused: they would
 * share one password.
 */
export function readClusterEntries(raw: unknown): ClusterEntry[] {
  const entries = (Array.isArray(raw) ? raw : []).map(readEntry);
  const counts = new Map<string, number>();
  for (const e of entries) {
    const id = e.settings?.id ?? e.id;
    if (id !== undefined) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return entries.map((e) => {
    const id = e.settings?.id ?? e.id;
    if (id !== undefined && (counts.get(id) ?? 0) > 1) {
      return { id, name: e.settings?.name ?? e.name, problem: { field: 'id', value: id, reason: 'duplicateId' } };
    }
    return e;
  });
}
