import * as assert from 'assert';
import { TopicPool } from '../integration/topicPool';

describe('KAFKA_TEST_TOPICS, the pre-made topics of external mode', () => {
  it('reads name:partitions entries, spaces and empty entries ignored', () => {
    assert.deepStrictEqual(TopicPool.parse(' it-3-01:3, it-1-01:1,,it.3_02:3 ').topics, [
      { name: 'it-3-01', partitions: 3 },
      { name: 'it-1-01', partitions: 1 },
      { name: 'it.3_02', partitions: 3 },
    ]);
  });

  it('names the entry that is not name:partitions, an illegal name, or a topic listed twice', () => {
    assert.throws(() => TopicPool.parse('it-3-01'), /^Error: KAFKA_TEST_TOPICS: "it-3-01" is not name:partitions/);
    assert.throws(() => TopicPool.parse('a:3,b:0'), /"b:0" is not name:partitions/);
    assert.throws(() => TopicPool.parse('a:3,b:x'), /"b:x" is not name:partitions/);
    assert.throws(() => TopicPool.parse('a b:3'), /"a b" is not a legal topic name/);
    assert.throws(() => TopicPool.parse('a:3,a:1'), /topic "a" is listed twice/);
  });

  it('hands each topic out once, by partition count, and says what is missing when none is left', () => {
    const pool = TopicPool.parse('a:3,b:1,c:3');
    assert.strictEqual(pool.take('consume', 3).name, 'a');
    assert.strictEqual(pool.take('consume', 3).name, 'c');
    assert.strictEqual(pool.take('kcat', 1).name, 'b');
    assert.throws(
      () => pool.take('groups', 3),
      (e: Error) =>
        e.message ===
        'KAFKA_TEST_TOPICS has no unused topic of 3 partition(s) left for "groups": all 2 listed (a, c) were taken by earlier tests of this run. ' +
          'Create more topics of 3 partition(s) in the console and add them as name:3; the README says how many the suite needs.',
    );
    assert.throws(() => pool.take('rebalance', 4), /lists no topic of 4 partition\(s\), which "rebalance" needs \(it lists 2 of 3 partition\(s\), 1 of 1 partition\(s\)\)/);
    assert.deepStrictEqual(pool.counts(), [
      { partitions: 3, total: 2, taken: 2 },
      { partitions: 1, total: 1, taken: 1 },
    ]);
  });
});
