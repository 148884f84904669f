import * as net from 'net';
import * as tls from 'tls';
import type { Target } from './env';

/** What a cluster says about itself before authentication: the APIs it implements and its SASL mechanisms. */
export interface ClusterOffer {
  /** API key → the versions the first bootstrap broker implements. */
  readonly apis: ReadonlyMap<number, { min: number; max: number }>;
  /** The SASL mechanisms it offers; empty for PLAINTEXT. */
  readonly mechanisms: readonly string[];
}

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;

function request(apiKey: number, version: number, correlationId: number, body: Buffer): Buffer {
  const clientId = Buffer.from('ckafka-vscode-tests');
  const header = Buffer.alloc(4 + 2 + 2 + 4 + 2);
  header.writeInt32BE(header.length - 4 + clientId.length + body.length, 0);
  header.writeInt16BE(apiKey, 4);
  header.writeInt16BE(version, 6);
  header.writeInt32BE(correlationId, 8);
  header.writeInt16BE(clientId.length, 12);
  return Buffer.concat([header, clientId, body]);
}

/**
 * Asks the first bootstrap broker, with ApiVersions v0 and SaslHandshake v1 (both allowed before
 * authentication), what it implements. Settles within `timeoutMs`: a broker that does not answer is
 * reported as an error naming the address, never waited on.
 */
export function probeCluster(target: Target, timeoutMs = 5000): Promise<ClusterOffer> {
  const [host, portText] = target.bootstrap.split(',')[0].trim().split(/:(?=\d+$)/);
  const port = Number(portText);
  return new Promise((resolve, reject) => {
    const onConnect = () => socket.write(request(API_VERSIONS, 0, 1, Buffer.alloc(0)));
    const socket: net.Socket =
      target.protocol === 'SASL_SSL' ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host }, onConnect) : net.connect(port, host, onConnect);
    const timer = setTimeout(() => finish(new Error(`${host}:${port} did not answer ApiVersions within ${timeoutMs} ms`)), timeoutMs);
    let apis: Map<number, { min: number; max: number }> | undefined;
    let pending = Buffer.alloc(0);
    const finish = (result: Error | ClusterOffer) => {
      clearTimeout(timer);
      socket.destroy();
      if (result instanceof Error) {
        reject(result);
      } else {
        resolve(result);
      }
    };
    socket.on('error', (e) => finish(new Error(`probing ${host}:${port}: ${e.message}`)));
    socket.on('close', () => finish(new Error(`${host}:${port} closed the connection while being probed`)));
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 4 || pending.length < 4 + pending.readInt32BE(0)) {
        return;
      }
      const frame = pending.subarray(8, 4 + pending.readInt32BE(0)); // after size and correlation ID
      pending = pending.subarray(4 + pending.readInt32BE(0));
      if (!apis) {
        apis = new Map();
        const count = frame.readInt32BE(2);
        for (let i = 0; i < count; i++) {
          const at = 6 + i * 6;
          apis.set(frame.readInt16BE(at), { min: frame.readInt16BE(at + 2), max: frame.readInt16BE(at + 4) });
        }
        if (target.protocol === 'PLAINTEXT' || !apis.has(SASL_HANDSHAKE)) {
          finish({ apis, mechanisms: [] });
        } else {
          const mechanism = Buffer.from(target.mechanism);
          const body = Buffer.alloc(2);
          body.writeInt16BE(mechanism.length, 0);
          socket.write(request(SASL_HANDSHAKE, Math.min(1, apis.get(SASL_HANDSHAKE)?.max ?? 0), 2, Buffer.concat([body, mechanism])));
        }
        return;
      }
      const mechanisms: string[] = [];
      let at = 6;
      for (let i = frame.readInt32BE(2); i > 0; i--) {
        const length = frame.readInt16BE(at);
        mechanisms.push(frame.subarray(at + 2, at + 2 + length).toString('utf8'));
        at += 2 + length;
      }
      finish({ apis, mechanisms });
    });
  });
}
