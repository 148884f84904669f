import * as fs from 'fs';
import * as path from 'path';
import { describeBatch } from '../protocol/records';
import { PartitionLog } from './partition';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
}

export class Topic {
  readonly partitions: PartitionLog[];

  constructor(
    readonly name: string,
    partitionCount: number,
    readonly replicationFactor: number,
    readonly configs: Record<string, string>,
  ) {
    this.partitions = Array.from({ length: partitionCount }, () => new PartitionLog());
  }
}

export const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Parses a topic list `name:partitions,name:partitions,…` (the sandbox's --topic and the tests'
 * KAFKA_TEST_TOPICS); `what` names the source in errors. Spaces around entries are ignored.
 */
export function parseTopicList(spec: string, what: string): { name: string; partitions: number }[] {
  const topics: { name: string; partitions: number }[] = [];
  for (const entry of spec.split(',').map((e) => e.trim())) {
    if (entry === '') {
      continue;
    }
    const colon = entry.lastIndexOf(':');
    const name = colon < 0 ? entry : entry.slice(0, colon);
    const count = colon < 0 ? '' : entry.slice(colon + 1);
    if (!/^[1-9][0-9]{0,4}$/.test(count)) {
      throw new Error(`${what}: "${entry}" is not name:partitions (partitions a whole number from 1)`);
    }
    if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
      throw new Error(`${what}: "${name}" is not a legal topic name (letters, digits, ".", "_", "-")`);
    }
    if (topics.some((t) => t.name === name)) {
      throw new Error(`${what}: topic "${name}" is listed twice`);
    }
    topics.push({ name, partitions: Number(count) });
  }
  return topics;
}

/** Every topic of the cluster, with optional persistence to a directory. */
export class Topics {
  private readonly byName = new Map<string, Topic>();

  get(name: string): Topic | undefined {
    return this.byName.get(name);
  }

  all(): Topic[] {
    return [...this.byName.values()];
  }

  create(spec: TopicSpec): Topic {
    const topic = new Topic(spec.name, spec.partitions, spec.replicationFactor ?? 1, spec.configs ?? {});
    this.byName.set(spec.name, topic);
    return topic;
  }

  /** The highest producer id any partition holds state for; -1 when none. */
  highestProducerId(): number {
    return Math.max(-1, ...this.all().flatMap((t) => t.partitions.map((p) => p.highestProducerId)));
  }

  delete(name: string): boolean {
    return this.byName.delete(name);
  }

  /** Writes every topic's batches to `dir/topics.json` (batches as base64). */
  save(dir: string): void {
    const data = this.all().map((t) => ({
      name: t.name,
      replicationFactor: t.replicationFactor,
      configs: t.configs,
      partitions: t.partitions.map((p) => ({ logStartOffset: p.logStartOffset, batches: p.batches.map((b) => b.bytes.toString('base64')) })),
    }));
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'topics.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(data));
    fs.renameSync(`${file}.tmp`, file);
  }

  /** Loads what `save` wrote; returns false when there is nothing to load. */
  load(dir: string): boolean {
    const file = path.join(dir, 'topics.json');
    if (!fs.existsSync(file)) {
      return false;
    }
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      name: string;
      replicationFactor: number;
      configs: Record<string, string>;
      partitions: { logStartOffset: number; batches: string[] }[];
    }[];
    for (const t of data) {
      const topic = this.create({ name: t.name, partitions: t.partitions.length, replicationFactor: t.replicationFactor, configs: t.configs });
      t.partitions.forEach((p, i) => {
        const log = topic.partitions[i];
        log.logStartOffset = p.logStartOffset;
        log.batches = p.batches.map((b) => describeBatch(Buffer.from(b, 'base64')));
        const last = log.batches[log.batches.length - 1];
        log.nextOffset = last ? last.lastOffset + 1 : p.logStartOffset;
        log.restoreProducers();
      });
    }
    return true;
  }
}
