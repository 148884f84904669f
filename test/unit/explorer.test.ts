import * as assert from 'assert';
import { AssignerProtocol, type Admin, type GroupDescription } from 'kafkajs';
import {
  decodeAssignment,
  filterTopics,
  lagOf,
  loadBrokers,
  loadGroup,
  loadGroupLag,
  loadGroups,
  loadPartitionOffsets,
  loadTopics,
  matchesTopicFilter,
  parseCount,
  topicNameProblem,
} from '../../src/kafka/metadata';

describe('matchesTopicFilter', () => {
  it('matches everything with an empty filter, blanks, or *', () => {
    for (const filter of [undefined, '', '  ', '*', ' * ', ',', 'nothing,*']) {
      assert.ok(matchesTopicFilter('orders', filter), `filter ${JSON.stringify(filter)}`);
      assert.ok(matchesTopicFilter('__consumer_offsets', filter), `filter ${JSON.stringify(filter)}`);
    }
  });

  it('matches an exact name only as a whole', () => {
    assert.ok(matchesTopicFilter('orders', 'orders'));
    assert.ok(!matchesTopicFilter('orders-eu', 'orders'));
    assert.ok(!matchesTopicFilter('my-orders', 'orders'));
  });

  it('treats * as any run of characters, including none', () => {
    assert.ok(matchesTopicFilter('orders-eu', 'orders-*'));
    assert.ok(matchesTopicFilter('orders-', 'orders-*'));
    assert.ok(!matchesTopicFilter('orders', 'orders-*'));
    assert.ok(matchesTopicFilter('app.orders.v1', '*orders*'));
    assert.ok(matchesTopicFilter('a-b-c', 'a*c'));
  });

  it('treats ? as exactly one character', () => {
    assert.ok(matchesTopicFilter('log1', 'log?'));
    assert.ok(!matchesTopicFilter('log', 'log?'));
    assert.ok(!matchesTopicFilter('log12', 'log?'));
  });

  it('takes comma-separated alternatives, with spaces around them', () => {
    assert.ok(matchesTopicFilter('events', 'orders-*, events'));
    assert.ok(matchesTopicFilter('orders-1', 'orders-*, events'));
    assert.ok(!matchesTopicFilter('audit', 'orders-*, events'));
  });

  it('takes . and other regular-expression characters literally', () => {
    assert.ok(matchesTopicFilter('a.b', 'a.b'));
    assert.ok(!matchesTopicFilter('axb', 'a.b'));
    assert.ok(!matchesTopicFilter('aab', 'a+b'));
    assert.ok(matchesTopicFilter('a+b', 'a+b'));
    assert.ok(matchesTopicFilter('x(1)', 'x(?)'));
  });

  it('is case-sensitive, like Kafka topic names', () => {
    assert.ok(!matchesTopicFilter('Orders', 'orders'));
  });
});

describe('filterTopics', () => {
  const topics = [
    { name: '__consumer_offsets', internal: true },
    { name: 'events', internal: false },
    { name: 'orders', internal: false },
  ];

  it('hides internal topics unless asked', () => {
    assert.deepStrictEqual(
      filterTopics(topics, '*', false).map((t) => t.name),
      ['events', 'orders'],
    );
    assert.deepStrictEqual(
      filterTopics(topics, '*', true).map((t) => t.name),
      ['__consumer_offsets', 'events', 'orders'],
    );
  });

  it('applies the glob', () => {
    assert.deepStrictEqual(
      filterTopics(topics, 'ord*', true).map((t) => t.name),
      ['orders'],
    );
    assert.deepStrictEqual(
      filterTopics(topics, '__*', false).map((t) => t.name),
      [],
    );
  });
});

describe('lagOf', () => {
  it('is end − committed for a commit inside the log', () => assert.strictEqual(lagOf(2, 0, 5), 3));
  it('is 0 when the group is at the end', () => assert.strictEqual(lagOf(5, 0, 5), 0));
  it('is never negative', () => assert.strictEqual(lagOf(9, 0, 5), 0));
  it('counts from the log start when the commit is older than retention', () => assert.strictEqual(lagOf(2, 10, 15), 5));
  it('counts everything kept without a commit', () => {
    assert.strictEqual(lagOf(null, 3, 8), 5);
    assert.strictEqual(lagOf(-1, 3, 8), 5);
  });
});

describe('topicNameProblem', () => {
  it('accepts Kafka topic names', () => {
    for (const name of ['orders', 'a', 'A.b_c-1', 'x'.repeat(249), '...']) {
      assert.strictEqual(topicNameProblem(name), undefined, name);
    }
  });

  it('refuses empty, too long, bad characters, . and ..', () => {
    assert.strictEqual(topicNameProblem(''), 'empty');
    assert.strictEqual(topicNameProblem('x'.repeat(250)), 'tooLong');
    for (const name of ['my topic', 'a/b', 'é', 'a,b', 'a#b']) {
      assert.strictEqual(topicNameProblem(name), 'badCharacters', name);
    }
    assert.strictEqual(topicNameProblem('.'), 'dots');
    assert.strictEqual(topicNameProblem('..'), 'dots');
  });
});

describe('parseCount', () => {
  it('parses whole numbers of at least 1', () => {
    assert.strictEqual(parseCount('3'), 3);
    assert.strictEqual(parseCount(' 12 '), 12);
  });

  it('refuses zero, negatives, fractions, exponents and words', () => {
    for (const text of ['0', '-1', '1.5', '1e3', 'three', '', ' ', '0x10']) {
      assert.strictEqual(parseCount(text), undefined, text);
    }
  });
});

/** A fake Admin: only the calls a test defines exist; it counts every call. */
function fakeAdmin(methods: Partial<Record<keyof Admin, (...args: never[]) => unknown>>): Admin & { calls: string[] } {
  const calls: string[] = [];
  const admin = Object.fromEntries(
    Object.entries(methods).map(([name, fn]) => [
      name,
      async (...args: never[]) => {
        calls.push(name);
        return (fn as (...a: never[]) => unknown)(...args);
      },
    ]),
  );
  // The loaders only call what they need; the rest of Admin is deliberately absent.
  return Object.assign(admin, { calls }) as unknown as Admin & { calls: string[] };
}

function partition(id: number, leader: number) {
  return { partitionErrorCode: 0, partitionId: id, leader, replicas: [leader], isr: [leader] };
}

describe('explorer loaders', () => {
  it('loadTopics reads every topic in one metadata call, sorted, partitions sorted, internal marked', async () => {
    const admin = fakeAdmin({
      fetchTopicMetadata: (options?: { topics: string[] }) => {
        assert.strictEqual(options, undefined, 'no topic list: all topics');
        return {
          topics: [
            { name: 'orders', partitions: [partition(2, 1), partition(0, 0), partition(1, 1)] },
            { name: '__consumer_offsets', partitions: [partition(0, 0)] },
            { name: 'events', partitions: [partition(0, 1)] },
          ],
        };
      },
    });
    const topics = await loadTopics(admin);
    assert.deepStrictEqual(admin.calls, ['fetchTopicMetadata']);
    assert.deepStrictEqual(topics, [
      { name: '__consumer_offsets', partitions: [{ id: 0, leader: 0 }], internal: true },
      { name: 'events', partitions: [{ id: 0, leader: 1 }], internal: false },
      {
        name: 'orders',
        partitions: [
          { id: 0, leader: 0 },
          { id: 1, leader: 1 },
          { id: 2, leader: 1 },
        ],
        internal: false,
      },
    ]);
  });

  it('loadTopics makes one call for hundreds of topics', async () => {
    const names = Array.from({ length: 500 }, (_, i) => `t-${String(i).padStart(3, '0')}`).reverse();
    const admin = fakeAdmin({ fetchTopicMetadata: () => ({ topics: names.map((name) => ({ name, partitions: [partition(0, 0)] })) }) });
    const topics = await loadTopics(admin);
    assert.strictEqual(topics.length, 500);
    assert.strictEqual(topics[0].name, 't-000');
    assert.deepStrictEqual(admin.calls, ['fetchTopicMetadata']);
  });

  it('loadPartitionOffsets turns low/high into earliest, latest and count, with leaders', async () => {
    const admin = fakeAdmin({
      fetchTopicOffsets: (topic: string) => {
        assert.strictEqual(topic, 'orders');
        return [
          { partition: 1, offset: '7', high: '7', low: '2' },
          { partition: 0, offset: '5', high: '5', low: '0' },
        ];
      },
    });
    assert.deepStrictEqual(await loadPartitionOffsets(admin, 'orders', [{ id: 0, leader: 1 }]), [
      { partition: 0, leader: 1, earliest: 0, latest: 5, count: 5 },
      { partition: 1, earliest: 2, latest: 7, count: 5 },
    ]);
  });

  it('loadGroups lists, then describes every group in one call; sorted', async () => {
    const described: string[][] = [];
    const admin = fakeAdmin({
      listGroups: () => ({
        groups: [
          { groupId: 'web', protocolType: 'consumer' },
          { groupId: 'billing', protocolType: 'consumer' },
        ],
      }),
      describeGroups: (ids: string[]) => {
        described.push(ids);
        const groups: Partial<GroupDescription>[] = [
          { groupId: 'billing', state: 'Empty', members: [] },
          {
            groupId: 'web',
            state: 'Stable',
            protocolType: 'consumer',
            members: [
              {
                memberId: 'm2',
                clientId: 'web-b',
                clientHost: '/10.0.0.2',
                // As every Kafka client encodes an assignment (ConsumerProtocolAssignment v0).
                memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { orders: [2, 0], events: [0] }, userData: Buffer.alloc(0) }),
                memberMetadata: Buffer.alloc(0),
              },
              { memberId: 'm1', clientId: 'web-a', clientHost: '/10.0.0.1', memberAssignment: Buffer.alloc(0), memberMetadata: Buffer.alloc(0) },
            ],
          },
        ];
        return { groups };
      },
    });
    assert.deepStrictEqual(await loadGroups(admin), [
      { groupId: 'billing', state: 'Empty', members: [] },
      {
        groupId: 'web',
        state: 'Stable',
        members: [
          { memberId: 'm1', clientId: 'web-a', clientHost: '/10.0.0.1', assignment: [] },
          {
            memberId: 'm2',
            clientId: 'web-b',
            clientHost: '/10.0.0.2',
            assignment: [
              { topic: 'events', partitions: [0] },
              { topic: 'orders', partitions: [0, 2] },
            ],
          },
        ],
      },
    ]);
    assert.deepStrictEqual(described, [['web', 'billing']]);
  });

  it('loadGroups makes no describe call when there is no group', async () => {
    const admin = fakeAdmin({ listGroups: () => ({ groups: [] }) });
    assert.deepStrictEqual(await loadGroups(admin), []);
    assert.deepStrictEqual(admin.calls, ['listGroups']);
  });

  it('loadGroup describes one group', async () => {
    const admin = fakeAdmin({ describeGroups: () => ({ groups: [{ groupId: 'g', state: 'Dead', members: [] }] }) });
    assert.deepStrictEqual(await loadGroup(admin, 'g'), { groupId: 'g', state: 'Dead', members: [] });
  });

  it('loadGroupLag sums the lag of the committed partitions, lists uncommitted ones, and survives a deleted topic', async () => {
    const ends: Record<string, { partition: number; offset: string; high: string; low: string }[]> = {
      orders: [
        { partition: 0, offset: '5', high: '5', low: '0' },
        { partition: 1, offset: '3', high: '3', low: '0' },
        { partition: 2, offset: '4', high: '4', low: '1' },
      ],
    };
    const admin = fakeAdmin({
      fetchOffsets: (options: { groupId: string; topics?: string[] }) => {
        assert.deepStrictEqual(options, { groupId: 'billing' });
        return [
          {
            topic: 'orders',
            partitions: [
              { partition: 1, offset: '3', metadata: null },
              { partition: 0, offset: '2', metadata: null },
            ],
          },
          { topic: 'gone', partitions: [{ partition: 0, offset: '9', metadata: null }] },
        ];
      },
      fetchTopicOffsets: (topic: string) => {
        const found = ends[topic];
        if (!found) {
          throw Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
        }
        return found;
      },
    });
    const lag = await loadGroupLag(admin, 'billing');
    assert.deepStrictEqual(lag, {
      groupId: 'billing',
      partitions: [
        { topic: 'gone', partition: 0, committed: 9, end: null, lag: null },
        { topic: 'orders', partition: 0, committed: 2, end: 5, lag: 3 },
        { topic: 'orders', partition: 1, committed: 3, end: 3, lag: 0 },
        { topic: 'orders', partition: 2, committed: null, end: 4, lag: 3 },
      ],
      total: 6,
    });
  });

  it('loadGroupLag also lists topics the members are assigned but never committed on', async () => {
    const admin = fakeAdmin({
      fetchOffsets: () => [{ topic: 'orders', partitions: [{ partition: 0, offset: '1', metadata: null }] }],
      fetchTopicOffsets: (topic: string) =>
        topic === 'orders' ? [{ partition: 0, offset: '4', high: '4', low: '0' }] : [
          { partition: 1, offset: '7', high: '7', low: '2' },
          { partition: 0, offset: '3', high: '3', low: '0' },
        ],
    });
    const lag = await loadGroupLag(admin, 'web', new Map(), ['events', 'orders', 'events']);
    assert.deepStrictEqual(lag.partitions, [
      { topic: 'events', partition: 0, committed: null, end: 3, lag: 3 },
      { topic: 'events', partition: 1, committed: null, end: 7, lag: 5 },
      { topic: 'orders', partition: 0, committed: 1, end: 4, lag: 3 },
    ]);
    assert.strictEqual(lag.total, 11);
  });

  it('decodeAssignment reads nothing from an empty or foreign assignment', () => {
    assert.deepStrictEqual(decodeAssignment(Buffer.alloc(0)), []);
    assert.deepStrictEqual(decodeAssignment(null), []);
    assert.deepStrictEqual(decodeAssignment(Buffer.from([0, 0, 0, 0, 0, 9, 1])), []);
  });

  it('loadGroupLag shares end offsets between groups through the cache', async () => {
    const admin = fakeAdmin({
      fetchOffsets: () => [{ topic: 'orders', partitions: [{ partition: 0, offset: '1', metadata: null }] }],
      fetchTopicOffsets: () => [{ partition: 0, offset: '4', high: '4', low: '0' }],
    });
    const cache = new Map();
    await loadGroupLag(admin, 'a', cache);
    await loadGroupLag(admin, 'b', cache);
    assert.strictEqual(admin.calls.filter((c) => c === 'fetchTopicOffsets').length, 1);
  });

  it('loadGroupLag passes other failures on', async () => {
    const admin = fakeAdmin({
      fetchOffsets: () => [{ topic: 'secret', partitions: [{ partition: 0, offset: '1', metadata: null }] }],
      fetchTopicOffsets: () => {
        throw Object.assign(new Error('Not authorized to access topics'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
      },
    });
    await assert.rejects(loadGroupLag(admin, 'g'), /Not authorized/);
  });

  it('loadBrokers sorts by id and marks the controller', async () => {
    const admin = fakeAdmin({
      describeCluster: () => ({
        brokers: [
          { nodeId: 2, host: 'b2', port: 9094 },
          { nodeId: 0, host: 'b0', port: 9092 },
        ],
        controller: 2,
        clusterId: 'c',
      }),
    });
    assert.deepStrictEqual(await loadBrokers(admin), [
      { nodeId: 0, host: 'b0', port: 9092, controller: false },
      { nodeId: 2, host: 'b2', port: 9094, controller: true },
    ]);
  });
});
