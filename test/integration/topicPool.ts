import { parseTopicList } from '../broker';

/** One topic made beforehand in the console, as KAFKA_TEST_TOPICS lists it. */
export interface PoolTopic {
  readonly name: string;
  readonly partitions: number;
}

/**
 * The pre-made topics of KAFKA_TEST_TOPICS (`name:partitions,…`), each handed out to at most one test of
 * a run. Tests against an external cluster never create or delete topics; they take one from here.
 */
export class TopicPool {
  private readonly takenBy = new Map<string, string>();

  constructor(readonly topics: readonly PoolTopic[]) {}

  static parse(spec: string): TopicPool {
    return new TopicPool(parseTopicList(spec, 'KAFKA_TEST_TOPICS'));
  }

  /** An unused topic of `partitions` partitions for the test that names itself `user`; throws naming what is missing. */
  take(user: string, partitions: number): PoolTopic {
    const fitting = this.topics.filter((t) => t.partitions === partitions);
    const free = fitting.find((t) => !this.takenBy.has(t.name));
    if (!free) {
      const counts = this.counts()
        .map((c) => `${c.total} of ${c.partitions} partition(s)`)
        .join(', ');
      throw new Error(
        fitting.length === 0
          ? `KAFKA_TEST_TOPICS lists no topic of ${partitions} partition(s), which "${user}" needs (it lists ${counts || 'nothing'}). ` +
              `Create topics of ${partitions} partition(s) in the console and add them as name:${partitions}; the README says how many the suite needs.`
          : `KAFKA_TEST_TOPICS has no unused topic of ${partitions} partition(s) left for "${user}": all ${fitting.length} listed (${fitting.map((t) => t.name).join(', ')}) ` +
              `were taken by earlier tests of this run. Create more topics of ${partitions} partition(s) in the console and add them as name:${partitions}; the README says how many the suite needs.`,
      );
    }
    this.takenBy.set(free.name, user);
    return free;
  }

  /** Per partition count: how many topics the list holds and how many this run took. */
  counts(): { partitions: number; total: number; taken: number }[] {
    const byCount = new Map<number, { partitions: number; total: number; taken: number }>();
    for (const t of this.topics) {
      const c = byCount.get(t.partitions) ?? { partitions: t.partitions, total: 0, taken: 0 };
      c.total++;
      c.taken += this.takenBy.has(t.name) ? 1 : 0;
      byCount.set(t.partitions, c);
    }
    return [...byCount.values()].sort((a, b) => b.partitions - a.partitions);
  }
}
