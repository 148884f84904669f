import * as assert from 'assert';
import { parseResetOffsets, parseShift, PartitionPosition, planReset, resetStrategyFrom, ResetStrategy } from '../../src/kafka/reset/plan';
import { ValidationError, ValidationReason } from '../../src/kafka/validation';
import { markdownTable, width } from '../../src/views/table';

function refuses(fn: () => unknown, reason: ValidationReason): void {
  assert.throws(fn, (e: unknown) => e instanceof ValidationError && e.reason === reason, `expected ${reason}`);
}

/** Three partitions: committed mid-log, committed before the log start (retention passed it), never committed. */
const POSITIONS: PartitionPosition[] = [
  { partition: 0, committed: 4, start: 0, end: 10 },
  { partition: 1, committed: 2, start: 5, end: 8 },
  { partition: 2, committed: null, start: 3, end: 3 },
];

/** `[partition, current, next, lagAfter, note]` of each planned partition. */
function rows(strategy: ResetStrategy, partitions?: number[], timeOffsets?: Map<number, number>) {
  return planReset({ positions: POSITIONS, strategy, partitions, timeOffsets }).partitions.map((p) => [p.partition, p.current, p.next, p.lagAfter, p.note ?? '']);
}

describe('planReset', () => {
  it('to earliest: each partition to its log start; the lag after is everything kept', () => {
    assert.deepStrictEqual(rows({ kind: 'earliest' }), [
      [0, 4, 0, 10, ''],
      [1, 2, 5, 3, ''],
      [2, null, 3, 0, ''],
    ]);
  });

  it('to latest: each partition to its log end, lag 0', () => {
    assert.deepStrictEqual(rows({ kind: 'latest' }), [
      [0, 4, 10, 0, ''],
      [1, 2, 8, 0, ''],
      [2, null, 3, 0, ''],
    ]);
  });

  it('to an offset: the same offset everywhere, clamped to each log and marked', () => {
    assert.deepStrictEqual(rows({ kind: 'offset', offset: 6 }), [
      [0, 4, 6, 4, ''],
      [1, 2, 6, 2, ''],
      [2, null, 3, 0, 'clampedToEnd'],
    ]);
    assert.deepStrictEqual(rows({ kind: 'offset', offset: 1 }), [
      [0, 4, 1, 9, ''],
      [1, 2, 5, 3, 'clampedToStart'],
      [2, null, 3, 0, 'clampedToStart'],
    ]);
  });

  it('keeps what was asked for beside the clamped offset', () => {
    const plan = planReset({ positions: POSITIONS, strategy: { kind: 'offset', offset: 100 } });
    assert.deepStrictEqual(
      plan.partitions.map((p) => [p.wanted, p.next, p.note]),
      [
        [100, 10, 'clampedToEnd'],
        [100, 8, 'clampedToEnd'],
        [100, 3, 'clampedToEnd'],
      ],
    );
  });

  it('to partition:offset pairs: only those partitions, whatever scope was chosen', () => {
    const offsets = new Map([
      [2, 0],
      [0, 7],
    ]);
    assert.deepStrictEqual(rows({ kind: 'offsets', offsets }, [1]), [
      [0, 4, 7, 3, ''],
      [2, null, 3, 0, 'clampedToStart'],
    ]);
  });

  it('shift: from the committed offset, clamped at both ends; partitions without one are left out and listed', () => {
    const back = planReset({ positions: POSITIONS, strategy: { kind: 'shift', by: -3 } });
    assert.deepStrictEqual(
      back.partitions.map((p) => [p.partition, p.current, p.wanted, p.next, p.note ?? '']),
      [
        [0, 4, 1, 1, ''],
        [1, 2, -1, 5, 'clampedToStart'],
      ],
    );
    assert.deepStrictEqual(back.uncommitted, [2]);
    assert.deepStrictEqual(rows({ kind: 'shift', by: 5 }), [
      [0, 4, 9, 1, ''],
      [1, 2, 7, 1, ''],
    ]);
    assert.deepStrictEqual(rows({ kind: 'shift', by: 50 }, [0]), [[0, 4, 10, 0, 'clampedToEnd']]);
  });

  it('to a time: the looked-up offsets; no record after the time means the log end, marked', () => {
    const found = new Map([
      [0, 6],
      [1, 8],
      [2, -1],
    ]);
    assert.deepStrictEqual(rows({ kind: 'timestamp', timestamp: 1 }, undefined, found), [
      [0, 4, 6, 4, ''],
      [1, 2, 8, 0, 'noRecordAfterTime'],
      [2, null, 3, 0, 'noRecordAfterTime'],
    ]);
  });

  it('refuses to plan a time without a lookup for every partition in scope', () => {
    assert.throws(() => planReset({ positions: POSITIONS, strategy: { kind: 'timestamp', timestamp: 1 }, timeOffsets: new Map([[0, 1]]) }), /partition 1/);
  });

  it('limits the plan to the chosen partitions, sorted and once each', () => {
    assert.deepStrictEqual(
      rows({ kind: 'earliest' }, [2, 0, 2]).map((r) => r[0]),
      [0, 2],
    );
  });

  it('refuses a partition the topic does not have', () => {
    refuses(() => planReset({ positions: POSITIONS, strategy: { kind: 'earliest' }, partitions: [3] }), 'position.badPartition');
    refuses(() => planReset({ positions: POSITIONS, strategy: { kind: 'offsets', offsets: new Map([[9, 1]]) } }), 'position.badPartition');
  });

  it('computes the lag after as log end − new offset, never from the old commit', () => {
    for (const strategy of [{ kind: 'earliest' }, { kind: 'latest' }, { kind: 'offset', offset: 7 }, { kind: 'shift', by: -1 }] as ResetStrategy[]) {
      for (const p of planReset({ positions: POSITIONS, strategy }).partitions) {
        assert.strictEqual(p.lagAfter, p.end - p.next);
        assert.ok(p.next >= p.start && p.next <= p.end, `${strategy.kind}: ${p.next} inside ${p.start}..${p.end}`);
      }
    }
  });
});

describe('parseResetOffsets', () => {
  it('reads one offset for every partition', () => {
    assert.deepStrictEqual(parseResetOffsets(' 42 '), { kind: 'offset', offset: 42 });
  });

  it('reads partition:offset pairs', () => {
    const parsed = parseResetOffsets('0:10, 2:30');
    assert.strictEqual(parsed.kind, 'offsets');
    assert.deepStrictEqual([...(parsed.kind === 'offsets' ? parsed.offsets : [])], [
      [0, 10],
      [2, 30],
    ]);
    assert.deepStrictEqual(parseResetOffsets('3:0'), { kind: 'offsets', offsets: new Map([[3, 0]]) });
  });

  it('refuses a partition given twice, a bare offset among pairs, and bad numbers', () => {
    refuses(() => parseResetOffsets('0:1, 0:2'), 'reset.duplicatePartition');
    refuses(() => parseResetOffsets('0:1, 5'), 'reset.mixedOffsets');
    refuses(() => parseResetOffsets('-1'), 'position.badOffset');
    refuses(() => parseResetOffsets('0:x'), 'position.badOffset');
    refuses(() => parseResetOffsets('a:1'), 'position.badPartition');
    refuses(() => parseResetOffsets(''), 'position.empty');
    refuses(() => parseResetOffsets('0:1,'), 'position.empty');
  });
});

describe('parseShift', () => {
  it('reads signed and unsigned whole numbers', () => {
    assert.strictEqual(parseShift('-10'), -10);
    assert.strictEqual(parseShift('+10'), 10);
    assert.strictEqual(parseShift(' 7 '), 7);
  });

  it('refuses 0, fractions, words and numbers beyond what is exact', () => {
    for (const bad of ['0', '-0', '1.5', 'ten', '', '--1', '9007199254740993', '1e3']) {
      refuses(() => parseShift(bad), 'reset.badShift');
    }
  });
});

describe('resetStrategyFrom', () => {
  const NOW = Date.UTC(2026, 10, 24, 8, 0, 0);

  it('takes every strategy a command argument may name', () => {
    assert.deepStrictEqual(resetStrategyFrom('earliest'), { kind: 'earliest' });
    assert.deepStrictEqual(resetStrategyFrom('latest'), { kind: 'latest' });
    assert.deepStrictEqual(resetStrategyFrom({ timestamp: '2 hours ago' }, NOW), { kind: 'timestamp', timestamp: NOW - 7_200_000 });
    assert.deepStrictEqual(resetStrategyFrom({ timestamp: '2026-11-24T08:00:00Z' }, NOW), { kind: 'timestamp', timestamp: NOW });
    assert.deepStrictEqual(resetStrategyFrom({ timestamp: NOW }), { kind: 'timestamp', timestamp: NOW });
    assert.deepStrictEqual(resetStrategyFrom({ offset: 42 }), { kind: 'offset', offset: 42 });
    assert.deepStrictEqual(resetStrategyFrom({ offset: '1:5' }), { kind: 'offsets', offsets: new Map([[1, 5]]) });
    assert.deepStrictEqual(resetStrategyFrom({ shift: -3 }), { kind: 'shift', by: -3 });
  });

  it('refuses anything else', () => {
    for (const bad of [undefined, null, 'first', 42, {}, { timestamp: -5 }, { shift: true }]) {
      refuses(() => resetStrategyFrom(bad), 'reset.unknown');
    }
    refuses(() => resetStrategyFrom({ timestamp: 'yesterday-ish' }), 'position.badTimestamp');
  });
});

describe('markdownTable', () => {
  it('pads every column to one width, numbers to the right', () => {
    const table = markdownTable(['Partition', 'New offset', 'Note'], [
      ['0', '12', ''],
      ['10', '3', 'clamped'],
    ], ['right', 'right', 'left']);
    assert.strictEqual(
      table,
      ['| Partition | New offset | Note    |', '| --------: | ---------: | ------- |', '|         0 |         12 |         |', '|        10 |          3 | clamped |'].join('\n'),
    );
  });

  it('escapes pipes and backslashes and keeps each row on one line', () => {
    const table = markdownTable(['a'], [['x|y\\z\nw']]);
    assert.deepStrictEqual(table.split('\n')[2], '| x\\|y\\\\z w |');
  });

  it('counts Chinese characters as two columns', () => {
    assert.strictEqual(width('分区'), 4);
    const [head, , row] = markdownTable(['分区', 'b'], [['1', '2']], ['right']).split('\n');
    assert.strictEqual(head, '| 分区 | b   |');
    assert.strictEqual(row, '|    1 | 2   |');
  });
});
