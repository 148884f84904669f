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
