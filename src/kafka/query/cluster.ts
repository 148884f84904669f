import type { Kafka, KafkaConfig } from 'kafkajs';
import { kafkajs } from '../lib';
import type { FetchBroker } from './fetch';

/**
 * Reading without a consumer group.
 *
 * kafkajs's public consumer always joins a group (JoinGroup, SyncGroup, heartbeats, OffsetFetch), which on
 * CKafka needs an ACL policy for the group and leaves the group behind until it is deleted. A query only
 * reads, so it talks to the brokers the way kafkajs's own consumer does underneath: kafkajs's Cluster
 * (connections, SASL, metadata, ListOffsets) and a Fetch to each leader (fetch.ts). No group is ever named, nothing
 * is committed, and only the topic's Describe and Read permissions are needed.
 *
 * The Cluster is not exported by kafkajs's index; the Kafka client makes one for each producer, consumer and
 * admin through a method stored under a symbol (`private:Kafka:createCluster`), which is what is used here.
 * Going through the same `kafkajs` module as everything else (rather than a deep `kafkajs/src/cluster`
 * import) keeps one copy of the library, whose codec table (src/kafka/codecs) is then shared, bundled or not.
 * kafkajs is pinned to an exact version in package.json; the integration tests exercise every call below,
 * and `openCluster` says plainly when the method is missing.
 */

export const READ_UNCOMMITTED = 0;

export interface PartitionMetadata {
  partitionId: number;
  leader: number;
  partitionErrorCode: number;
}

/** The part of kafkajs's Cluster a query uses. */
export interface KafkaCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findTopicPartitionMetadata(topic: string): PartitionMetadata[];
  findBroker(args: { nodeId: number }): Promise<FetchBroker>;
  fetchTopicsOffset(
    topics: { topic: string; partitions: { partition: number }[]; fromBeginning?: boolean; fromTimestamp?: number }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

type CreateCluster = (options: { allowAutoTopicCreation: boolean; isolationLevel: number; metadataMaxAge?: number; maxInFlightRequests?: number | null }) => KafkaCluster;

/** A kafkajs Cluster for `config`, reading uncommitted records, never creating topics. */
export function openCluster(config: KafkaConfig): KafkaCluster {
  const kafka: Kafka = new (kafkajs().Kafka)(config);
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof create !== 'function') {
    throw new Error('this kafkajs version has no Cluster factory: Message Query needs kafkajs 2.2');
  }
  return (create as CreateCluster)({ allowAutoTopicCreation: false, isolationLevel: READ_UNCOMMITTED, maxInFlightRequests: null });
}
