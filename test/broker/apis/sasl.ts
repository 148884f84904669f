import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import { Cluster, SaslMechanism } from '../state/cluster';
import { startSasl } from '../state/sasl';
import { Connection } from '../server';
import { Api } from './api';

export const saslHandshake: Api = {
  key: 17,
  name: 'SaslHandshake',
  min: 0,
  max: 1,
  beforeAuth: true,
  handle: ({ body, version, conn, cluster }) => {
    const mechanism = body.string();
    const enabled = cluster.options.protocol === 'SASL_PLAINTEXT' ? cluster.options.mechanisms : [];
    const w = new Writer();
    if (conn.authenticated || conn.sasl) {
      w.int16(ErrorCode.ILLEGAL_SASL_STATE);
    } else if (!enabled.includes(mechanism as SaslMechanism)) {
      w.int16(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    } else {
      conn.sasl = startSasl(mechanism as SaslMechanism, cluster.options.users);
      conn.rawSaslNext = version === 0;
      w.int16(ErrorCode.NONE);
    }
    return w.array(enabled, (w, m) => w.string(m)).done();
  },
};

/** Runs one SASL step; on failure the connection is closed after the answer, as Kafka does. */
function step(cluster: Cluster, conn: Connection, token: Buffer): { error?: string; reply: Buffer } {
  if (!conn.sasl) {
    return { error: 'SASL exchange not started: send SaslHandshake first', reply: Buffer.alloc(0) };
  }
  const result = conn.sasl.step(token);
  if (result.error) {
    cluster.log(`SASL ${conn.sasl.mechanism} authentication failed for ${conn.remote}`);
    conn.sasl = undefined;
    return { error: result.error, reply: result.reply };
  }
  if (result.done && result.user) {
    conn.principal = result.user;
    conn.authenticated = true;
    cluster.log(`SASL ${conn.sasl.mechanism} authenticated ${result.user} on ${conn.remote}`);
  }
  return { reply: result.reply };
}

export const saslAuthenticate: Api = {
  key: 36,
  name: 'SaslAuthenticate',
  min: 0,
  max: 1,
  beforeAuth: true,
  handle: ({ body, version, conn, cluster, injected }) => {
    const token = body.nullableBytes() ?? Buffer.alloc(0);
    const result = injected !== undefined ? { error: 'injected failure', reply: Buffer.alloc(0) } : step(cluster, conn, token);
    const w = new Writer()
      .int16(result.error ? (injected ?? ErrorCode.SASL_AUTHENTICATION_FAILED) : ErrorCode.NONE)
      .nullableString(result.error ?? null)
      .bytes(result.reply);
    if (version >= 1) {
      w.int64(0);
    }
    if (result.error) {
      setTimeout(() => conn.close(), 50).unref();
    }
    return w.done();
  },
};

/** A bare token after SaslHandshake v0; the reply goes back size-prefixed with no Kafka header. */
export function rawSaslToken(cluster: Cluster, conn: Connection, frame: Buffer): Buffer {
  return step(cluster, conn, frame).reply;
}
