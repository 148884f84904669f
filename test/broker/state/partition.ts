import { Batch, decodeBatch, placeBatch } from '../protocol/records';

/** What Produce learns from appending one batch. */
export type AppendResult = { baseOffset: number } | { error: 'outOfOrderSequence' | 'invalidProducerEpoch' | 'unknownProducerId' };

interface ProducerState {
  epoch: number;
  /** The last few batches' sequence ranges, to answer a retried batch with its first answer. */
  recent: { firstSeq: number; lastSeq: number; baseOffset: number }[];
}

const RECENT_BATCHES = 5;

/** One partition's log: record batches in offset order, kept in memory. */
export class PartitionLog {
  batches: Batch[] = [];
  logStartOffset = 0;
  /** The next offset to assign; with no replication it is also the high watermark. */
  nextOffset = 0;
  private readonly producers = new Map<number, ProducerState>();
  private readonly waiters = new Set<() => void>();

  append(clientBatch: Buffer): AppendResult {
    const incoming = placeBatch(clientBatch, this.nextOffset);
    const duplicate = this.checkSequence(incoming);
    if (duplicate) {
      return duplicate;
    }
    this.batches.push(incoming);
    this.nextOffset = incoming.lastOffset + 1;
    for (const wake of [...this.waiters]) {
      wake();
    }
    return { baseOffset: incoming.baseOffset };
  }

  /**
   * For idempotent producers: a retried batch gets its first answer; a gap or an old epoch is refused, and
   * so is a producer this log holds no state for that does not start at sequence 0 (its state expired).
   */
  private checkSequence(batch: Batch): AppendResult | undefined {
    if (batch.producerId < 0 || batch.baseSequence < 0) {
      return undefined;
    }
    const firstSeq = batch.baseSequence;
    const lastSeq = firstSeq + (batch.lastOffset - batch.baseOffset);
    let state = this.producers.get(batch.producerId);
    if (state && batch.producerEpoch < state.epoch) {
      return { error: 'invalidProducerEpoch' };
    }
    if (!state && firstSeq !== 0) {
      return { error: 'unknownProducerId' };
    }
    if (!state || batch.producerEpoch > state.epoch) {
      state = { epoch: batch.producerEpoch, recent: [] };
      this.producers.set(batch.producerId, state);
    }
    const seen = state.recent.find((r) => r.firstSeq === firstSeq && r.lastSeq === lastSeq);
    if (seen) {
      return { baseOffset: seen.baseOffset };
    }
    const last = state.recent[state.recent.length - 1];
    if (last && firstSeq !== last.lastSeq + 1) {
      return { error: 'outOfOrderSequence' };
    }
    state.recent.push({ firstSeq, lastSeq, baseOffset: batch.baseOffset });
    if (state.recent.length > RECENT_BATCHES) {
      state.recent.shift();
    }
    return undefined;
  }

  /** Forgets every producer's sequence state, as Kafka does once `producer.id.expiration.ms` has passed. */
  expireProducers(): void {
    this.producers.clear();
  }

  /** Rebuilds the producers' sequence state from the batches, as a broker does when it loads a log from disk. */
  restoreProducers(): void {
    this.producers.clear();
    for (const b of this.batches) {
      if (b.producerId >= 0 && b.baseSequence >= 0) {
        let state = this.producers.get(b.producerId);
        if (!state || b.producerEpoch > state.epoch) {
          state = { epoch: b.producerEpoch, recent: [] };
          this.producers.set(b.producerId, state);
        }
        state.recent.push({ firstSeq: b.baseSequence, lastSeq: b.baseSequence + (b.lastOffset - b.baseOffset), baseOffset: b.baseOffset });
        state.recent.splice(0, state.recent.length - RECENT_BATCHES);
      }
    }
  }

  /** The highest producer id this log holds state for; -1 when none. */
  get highestProducerId(): number {
    return Math.max(-1, ...this.producers.keys());
  }

  /** Index of the first batch holding `offset` or a later one. */
  private indexFor(offset: number): number {
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.batches[mid].lastOffset < offset) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Whole batches from the one holding `offset`, up to `maxBytes` (but at least one batch when `atLeastOne`). */
  read(offset: number, maxBytes: number, atLeastOne: boolean): Buffer[] {
    const out: Buffer[] = [];
    let size = 0;
    for (let i = this.indexFor(offset); i < this.batches.length; i++) {
      const bytes = this.batches[i].bytes;
      if (size + bytes.length > maxBytes && !(atLeastOne && out.length === 0)) {
        break;
      }
      out.push(bytes);
      size += bytes.length;
    }
    return out;
  }

  /** The earliest offset whose timestamp is at or after `timestamp`, or null when there is none. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    for (const batch of this.batches) {
      if (batch.maxTimestamp < timestamp || batch.lastOffset < this.logStartOffset) {
        continue;
      }
      const records = decodeBatch(batch);
      if (!records) {
        return { offset: Math.max(batch.baseOffset, this.logStartOffset), timestamp: batch.maxTimestamp };
      }
      const hit = records.find((r) => r.timestamp >= timestamp && r.offset >= this.logStartOffset);
      if (hit) {
        return { offset: hit.offset, timestamp: hit.timestamp };
      }
    }
    return null;
  }

  /** Calls `wake` on the next append; returns a function that cancels the wait. */
  onAppend(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }
}
