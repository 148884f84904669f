import * as assert from 'assert';
import { parseOffsetSpec, parseTimestamp, startPositionFrom } from '../../src/kafka/position';
import { ValidationError, ValidationReason } from '../../src/kafka/validation';

function refuses(fn: () => unknown, reason: ValidationReason): void {
  assert.throws(fn, (e: unknown) => e instanceof ValidationError && e.reason === reason);
}

const NOW = Date.UTC(2026, 10, 24, 8, 0, 0); // 2026-11-24T08:00:00Z

describe('parseOffsetSpec', () => {
  it('reads an offset for every partition', () => {
    assert.deepStrictEqual(parseOffsetSpec('42'), { offset: 42 });
    assert.deepStrictEqual(parseOffsetSpec(' 0 '), { offset: 0 });
  });

  it('reads partition:offset', () => {
    assert.deepStrictEqual(parseOffsetSpec('2:41'), { partition: 2, offset: 41 });
    assert.deepStrictEqual(parseOffsetSpec(' 0 : 7 '), { partition: 0, offset: 7 });
  });

  it('refuses empty input', () => refuses(() => parseOffsetSpec('  '), 'position.empty'));

  it('refuses negative, fractional, huge and non-numeric offsets', () => {
    for (const bad of ['-1', '1.5', 'abc', '1e3', '9007199254740993', '0x10', '2:', '2:-4', '2:x']) {
      refuses(() => parseOffsetSpec(bad), 'position.badOffset');
    }
  });

  it('refuses bad partitions', () => {
    for (const bad of [':5', 'a:5', '-1:5', '2147483648:5']) {
      refuses(() => parseOffsetSpec(bad), 'position.badPartition');
    }
  });
});

describe('parseTimestamp', () => {
  it('reads "10 minutes ago" and its short and Chinese forms', () => {
    assert.strictEqual(parseTimestamp('10 minutes ago', NOW), NOW - 600_000);
    assert.strictEqual(parseTimestamp('10 min ago', NOW), NOW - 600_000);
    assert.strictEqual(parseTimestamp('1 minute ago', NOW), NOW - 60_000);
    assert.strictEqual(parseTimestamp('2h ago', NOW), NOW - 7_200_000);
    assert.strictEqual(parseTimestamp('  3 DAYS AGO ', NOW), NOW - 3 * 86_400_000);
    assert.strictEqual(parseTimestamp('30 seconds ago', NOW), NOW - 30_000);
    assert.strictEqual(parseTimestamp('1 week ago', NOW), NOW - 604_800_000);
    assert.strictEqual(parseTimestamp('1.5 hours ago', NOW), NOW - 5_400_000);
    assert.strictEqual(parseTimestamp('10分钟前', NOW), NOW - 600_000);
    assert.strictEqual(parseTimestamp('2 小时前', NOW), NOW - 7_200_000);
  });

  it('reads ISO date-times with a zone', () => {
    assert.strictEqual(parseTimestamp('2026-11-24T08:00:00Z'), NOW);
    assert.strictEqual(parseTimestamp('2026-11-24T08:00:00.250Z'), NOW + 250);
    assert.strictEqual(parseTimestamp('2026-11-24T16:00:00+08:00'), NOW);
    assert.strictEqual(parseTimestamp('2026-11-24 16:00+0800'), NOW);
    assert.strictEqual(parseTimestamp('2026-11-24T03:00:00-05:00'), NOW);
  });

  it('reads ISO date-times without a zone as local time, and a date alone as local midnight', () => {
    assert.strictEqual(parseTimestamp('2026-11-24T08:30:15'), new Date(2026, 10, 24, 8, 30, 15).getTime());
    assert.strictEqual(parseTimestamp('2026-11-24'), new Date(2026, 10, 24).getTime());
  });

  it('reads epoch milliseconds', () => assert.strictEqual(parseTimestamp(String(NOW)), NOW));

  it('refuses garbage and impossible dates with a typed ValidationError', () => {
    for (const bad of ['yesterday', '10 parsecs ago', 'ago', '10 minutes', '2026-13-01', '2026-02-30T00:00:00Z', '2026-11-24T25:00', '2026-11-24T08:00:00+25:00', '24/11/2026', '12345', 'now-10m']) {
      refuses(() => parseTimestamp(bad, NOW), 'position.badTimestamp');
    }
    refuses(() => parseTimestamp('', NOW), 'position.empty');
  });
});

describe('startPositionFrom', () => {
  it('maps command arguments to start positions', () => {
    assert.deepStrictEqual(startPositionFrom(undefined), { kind: 'latest' });
    assert.deepStrictEqual(startPositionFrom('latest'), { kind: 'latest' });
    assert.deepStrictEqual(startPositionFrom('earliest'), { kind: 'earliest' });
    assert.deepStrictEqual(startPositionFrom({ offset: 5 }), { kind: 'offset', offset: 5 });
    assert.deepStrictEqual(startPositionFrom({ offset: 5, partition: 1 }), { kind: 'offset', offset: 5, partition: 1 });
    assert.deepStrictEqual(startPositionFrom({ timestamp: '10 minutes ago' }, NOW), { kind: 'timestamp', timestamp: NOW - 600_000 });
    assert.deepStrictEqual(startPositionFrom({ timestamp: NOW }), { kind: 'timestamp', timestamp: NOW });
  });

  it('refuses anything else', () => {
    refuses(() => startPositionFrom('beginning'), 'position.unknown');
    refuses(() => startPositionFrom({}), 'position.unknown');
    refuses(() => startPositionFrom(42), 'position.unknown');
    refuses(() => startPositionFrom({ offset: -3 }), 'position.badOffset');
    refuses(() => startPositionFrom({ timestamp: 'soon' }), 'position.badTimestamp');
  });
});
