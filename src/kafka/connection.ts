import { ValidationError } from './validation';

export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]+\]$/;
const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** Printable ASCII without space and '#': what a SASL user name can safely hold on CKafka. */
const USER_PART = /^[\x21-\x22\x24-\x7e]+$/;

/**
 * Parses a comma-separated `host:port` list such as `ckafka-abc.ap-guangzhou.ckafka.tencentcloudmq.com:50000`.
 * Spaces around entries are allowed; spaces inside one are not. IPv6 hosts go in brackets: `[::1]:9092`.
 */
export function parseBootstrapServers(text: string): BrokerAddress[] {
  const trimmed = text.trim();
  if (trimmed === '') {
    throw new ValidationError('bootstrap.empty', text);
  }
  return trimmed.split(',').map((entry) => parseBrokerAddress(entry.trim()));
}

function parseBrokerAddress(entry: string): BrokerAddress {
  if (entry === '') {
    throw new ValidationError('bootstrap.entryEmpty', entry);
  }
  if (/\s/.test(entry)) {
    throw new ValidationError('bootstrap.whitespace', entry);
  }
  const colon = entry.lastIndexOf(':');
  if (colon <= 0 || (entry.startsWith('[') && !entry.slice(0, colon).endsWith(']'))) {
    throw new ValidationError('bootstrap.missingPort', entry);
  }
  const host = entry.slice(0, colon);
  const portText = entry.slice(colon + 1);
  if (!HOST_NAME.test(host) && !IPV6_LITERAL.test(host)) {
    throw new ValidationError('bootstrap.badHost', entry);
  }
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) {
    throw new ValidationError('bootstrap.badPort', entry);
  }
  return { host, port };
}

/** Formats addresses back into the `host:port` form kafkajs takes. */
export function formatBrokerAddress(address: BrokerAddress): string {
  return `${address.host}:${address.port}`;
}

/**
 * Joins CKafka's instance ID and user name into the SASL user name `instanceId#username`.
 * A user name that already holds a `#` is taken as the whole SASL user name.
 */
export function joinSaslUsername(instanceId: string, username: string): string {
  const user = username.trim();
  if (user === '') {
    throw new ValidationError('username.empty', username);
  }
  if (user.includes('#')) {
    const [id, name] = splitSaslUsername(user);
    return joinSaslUsername(id, name);
  }
  if (!USER_PART.test(user)) {
    throw new ValidationError('username.badCharacters', username);
  }
  const id = instanceId.trim();
  if (id === '') {
    throw new ValidationError('username.instanceIdEmpty', instanceId);
  }
  if (!INSTANCE_ID.test(id)) {
    throw new ValidationError('username.badInstanceId', instanceId);
  }
  return `${id}#${user}`;
}

/** Splits `instanceId#username` at its first `#`. */
export function splitSaslUsername(saslUsername: string): [instanceId: string, username: string] {
  const hash = saslUsername.indexOf('#');
  return hash < 0 ? ['', saslUsername] : [saslUsername.slice(0, hash), saslUsername.slice(hash + 1)];
}
