import * as assert from 'assert';
import { checkPageMessage, FromPage, MAX_PAGE_ROWS, perPartition } from '../../src/webviews/query/protocol';

/** Every message the Message Query page may send is checked before the extension uses it. */
describe('Message Query page messages (checkPageMessage)', () => {
  const query = { range: { kind: 'last', minutes: 15 }, partitions: [0, 2], filter: 'status = "paid"', budget: { records: '', seconds: '60', results: '1000' } };
  const accepted: FromPage[] = [
    { type: 'ready' },
    { type: 'cancel' },
    { type: 'run', query: query as FromPage & never },
    { type: 'run', query: { ...query, range: { kind: 'time', from: '2 hours ago', to: '' } } as never },
    { type: 'run', query: { ...query, range: { kind: 'offsets', from: '10', to: '20' } } as never },
    { type: 'run', query: { ...query, range: { kind: 'newest', count: '100' } } as never },
    { type: 'run', query: { ...query, range: { kind: 'offsets', from: '0', to: '', perPartition: '0:1-2' } } as never },
    { type: 'rows', start: 200, count: 200, order: 'time', descending: true },
    { type: 'detail', index: 3 },
    { type: 'copy', index: 0, what: 'record' },
    { type: 'openRecord', index: 99_999 },
    { type: 'link', index: 1 },
    { type: 'export', format: 'jsonl', selection: { order: 'offset', descending: false } },
    { type: 'export', format: 'csv', selection: { order: 'time', descending: false, positions: [0, 5, 7] } },
    { type: 'resend', selection: { order: 'offset', descending: true, positions: [1] } },
  ];

  it('accepts each kind of message, and hands back a copy of exactly the fields it knows', () => {
    for (const message of accepted) {
      assert.deepStrictEqual(checkPageMessage(message), { message }, JSON.stringify(message));
    }
    const { message } = checkPageMessage({ type: 'detail', index: 3, password: 'x', __proto__: { polluted: true } });
    assert.deepStrictEqual(message, { type: 'detail', index: 3 });
  });

  const refused: [unknown, string][] = [
    [null, 'message'],
    ['ready', 'message'],
    [[{ type: 'ready' }], 'message'],
    [{ type: 'eval', code: '1' }, 'type'],
    [{ type: 'detail', index: -1 }, 'index'],
    [{ type: 'detail', index: 1.5 }, 'index'],
    [{ type: 'detail', index: '3' }, 'index'],
    [{ type: 'detail', index: 100_000 }, 'index'],
    [{ type: 'rows', start: 0, count: MAX_PAGE_ROWS + 1, order: 'offset', descending: false }, 'count'],
    [{ type: 'rows', start: 0, count: 10, order: 'key', descending: false }, 'order'],
    [{ type: 'rows', start: 0, count: 10, order: 'offset', descending: 'no' }, 'descending'],
    [{ type: 'copy', index: 0, what: 'password' }, 'what'],
    [{ type: 'export', format: 'xlsx', selection: { order: 'offset', descending: false } }, 'format'],
    [{ type: 'export', format: 'csv', selection: { order: 'offset', descending: false, positions: [0, -1] } }, 'positions'],
    [{ type: 'resend', selection: { order: 'offset', descending: false, positions: 'all' } }, 'positions'],
    [{ type: 'run', query: { ...query, range: { kind: 'last', minutes: 5 } } }, 'range.minutes'],
    [{ type: 'run', query: { ...query, range: { kind: 'time', from: 1, to: '' } } }, 'range.from'],
    [{ type: 'run', query: { ...query, range: { kind: 'all' } } }, 'range.kind'],
    [{ type: 'run', query: { ...query, range: { kind: 'offsets', from: '0', to: '', perPartition: 5 } } }, 'range.perPartition'],
    [{ type: 'run', query: { ...query, partitions: [0, 2 ** 31] } }, 'partitions'],
    [{ type: 'run', query: { ...query, partitions: 'all' } }, 'partitions'],
    [{ type: 'run', query: { ...query, filter: 'x'.repeat(10_001) } }, 'filter'],
    [{ type: 'run', query: { ...query, budget: { ...query.budget, seconds: 60 } } }, 'budget.seconds'],
    [{ type: 'run', query: { ...query, budget: undefined } }, 'budget'],
  ];

  it('refuses anything else, naming the field at fault', () => {
    for (const [message, field] of refused) {
      assert.deepStrictEqual(checkPageMessage(message), { refused: field }, JSON.stringify(message));
    }
  });

  it('reads spans of single partitions, and refuses what is not one', () => {
    assert.deepStrictEqual(perPartition(''), {});
    assert.deepStrictEqual(perPartition(' 0:10-20, 2:5-, 3 : 7 '), { 0: { from: 10, to: 20 }, 2: { from: 5 }, 3: { from: 7 } });
    for (const bad of ['0', '0:', 'a:1', '0:1-2-3', '0:-5', '0:1,0:2', '-1:0']) {
      assert.strictEqual(perPartition(bad), undefined, bad);
    }
  });
});
