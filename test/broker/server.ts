import * as net from 'net';
import { API_BY_KEY } from './apis';
import { RequestContext } from './apis/api';
import { unsupportedApiVersions } from './apis/apiVersions';
import { rawSaslToken } from './apis/sasl';
import { MalformedRequest, Reader } from './protocol/reader';
import { BrokerNode, Cluster } from './state/cluster';
import type { SaslSession } from './state/sasl';

/** Frames larger than this are treated as garbage, as Kafka's socket.request.max.bytes does. */
const MAX_FRAME = 100 * 1024 * 1024;

/** One client connection and its authentication state. */
export interface Connection {
  readonly id: number;
  readonly remote: string;
  /** The authenticated SASL user, or null (PLAINTEXT, or not yet authenticated). */
  principal: string | null;
  authenticated: boolean;
  sasl?: SaslSession;
  /** After SaslHandshake v0, the next frame is a bare SASL token with no Kafka header. */
  rawSaslNext: boolean;
  readonly closed: boolean;
  close(): void;
}

let connectionIds = 0;

/** One broker: a TCP listener that speaks the Kafka protocol for the shared cluster state. */
export class BrokerServer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly cluster: Cluster,
    readonly node: BrokerNode,
  ) {}

  get openConnections(): number {
    return this.sockets.size;
  }

  async start(): Promise<void> {
    if (this.server) {
      return;
    }
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.node.port, this.node.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.node.port = (server.address() as net.AddressInfo).port;
    this.server = server;
    this.node.up = true;
    this.cluster.leaderEpoch++;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    this.server = undefined;
    this.node.up = false;
    this.cluster.leaderEpoch++;
    this.dropConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  dropConnections(): void {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    this.sockets.clear();
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const conn: Connection = {
      id: ++connectionIds,
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
      principal: null,
      authenticated: this.cluster.options.protocol === 'PLAINTEXT',
      rawSaslNext: false,
      get closed() {
        return socket.destroyed;
      },
      close: () => socket.destroy(),
    };
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let queue = Promise.resolve();
    socket.on('data', (chunk) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      let buf = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
      while (buf.length >= 4) {
        const size = buf.readInt32BE(0);
        if (size < 0 || size > MAX_FRAME) {
          this.cluster.log(`broker ${this.node.id}: connection ${conn.remote} sent a frame of ${size} bytes; closing it`);
          socket.destroy();
          return;
        }
        if (buf.length < 4 + size) {
          break;
        }
        const frame = buf.subarray(4, 4 + size);
        buf = buf.subarray(4 + size);
        queue = queue.then(() => this.serve(socket, conn, frame));
      }
      pending = buf.length > 0 ? [buf] : [];
      pendingBytes = buf.length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  /** Handles one frame; requests on a connection are answered in order, one at a time, as Kafka does. */
  private async serve(socket: net.Socket, conn: Connection, frame: Buffer): Promise<void> {
    if (socket.destroyed) {
      return;
    }
    try {
      if (conn.rawSaslNext) {
        conn.rawSaslNext = false;
        const reply = rawSaslToken(this.cluster, conn, frame);
        write(socket, [sizePrefix(reply.length), reply]);
        if (!conn.authenticated) {
          socket.end();
        }
        return;
      }
      const r = new Reader(frame);
      const apiKey = r.int16();
      const version = r.int16();
      const correlationId = r.int32();
      const known = API_BY_KEY.get(apiKey);
      const api = known && !this.cluster.options.withoutApis.includes(known.name) ? known : undefined;
      if (api && api.key === 18 && version > api.max) {
        // ApiVersions at a version we do not speak: answer in v0 form so the client retries lower.
        return respond(socket, correlationId, unsupportedApiVersions(this.cluster.options.withoutApis));
      }
      if (!api || version < api.min || version > api.max) {
        this.cluster.log(`broker ${this.node.id}: unsupported request api=${apiKey} v${version} from ${conn.remote}; closing the connection as Kafka does`);
        socket.destroy();
        return;
      }
      const clientId = r.nullableString();
      if (!conn.authenticated && !api.beforeAuth) {
        this.cluster.log(`broker ${this.node.id}: ${api.name} before SASL authentication from ${conn.remote}; closing the connection`);
        socket.destroy();
        return;
      }
      this.cluster.requestsByApi.set(apiKey, (this.cluster.requestsByApi.get(apiKey) ?? 0) + 1);
      const ctx: RequestContext = {
        apiKey,
        version,
        correlationId,
        clientId,
        body: r,
        conn,
        cluster: this.cluster,
        node: this.node,
        injected: this.cluster.faults.takeFailure(apiKey),
      };
      const body = await api.handle(ctx);
      const delay = this.cluster.faults.delayFor(apiKey);
      if (delay > 0) {
        await new Promise((res) => setTimeout(res, delay));
      }
      if (body !== null) {
        const mode = api.beforeAuth ? undefined : this.cluster.faults.takeMalform();
        respond(socket, mode === 'wrongCorrelationId' ? correlationId + 7919 : correlationId, body, mode);
      }
    } catch (error) {
      const why = error instanceof MalformedRequest ? 'malformed request' : 'internal error';
      this.cluster.log(`broker ${this.node.id}: ${why} from ${conn.remote} (${(error as Error).message}); closing that connection`);
      socket.destroy();
    }
  }
}

function sizePrefix(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n, 0);
  return b;
}

function write(socket: net.Socket, parts: Buffer[]): void {
  if (!socket.destroyed) {
    for (const p of parts) {
      socket.write(p);
    }
  }
}

function respond(socket: net.Socket, correlationId: number, body: Buffer, malform?: 'truncate' | 'wrongLength' | 'wrongCorrelationId'): void {
  const header = Buffer.allocUnsafe(8);
  header.writeInt32BE(4 + body.length, 0);
  header.writeInt32BE(correlationId, 4);
  if (malform === 'truncate') {
    write(socket, [header, body.subarray(0, Math.floor(body.length / 2))]);
    socket.end();
  } else if (malform === 'wrongLength') {
    header.writeInt32BE(4 + body.length + 1000, 0);
    write(socket, [header, body]);
  } else {
    write(socket, [header, body]);
  }
}
