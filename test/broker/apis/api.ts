import type { Reader } from '../protocol/reader';
import type { Cluster, BrokerNode } from '../state/cluster';
import type { Connection } from '../server';

/** One request, decoded up to its body. */
export interface RequestContext {
  readonly apiKey: number;
  readonly version: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly body: Reader;
  readonly conn: Connection;
  readonly cluster: Cluster;
  readonly node: BrokerNode;
  /** An error code a test asked this request to answer with (see Faults.failNext). */
  readonly injected?: number;
}

/** One Kafka API at the versions this broker speaks (all of them non-flexible). */
export interface Api {
  readonly key: number;
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Allowed before SASL authentication completes. */
  readonly beforeAuth?: boolean;
  /** Returns the response body (without header), or null when the request takes no response (acks=0). */
  handle(ctx: RequestContext): Buffer | null | Promise<Buffer | null>;
}
