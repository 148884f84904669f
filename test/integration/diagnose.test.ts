import * as assert from 'assert';
import { ClusterSettings, DEFAULT_TIMEOUTS, kafkaConfig } from '../../src/kafka/cluster';
import { diagnose } from '../../src/kafka/diagnose';
import { classifyError } from '../../src/kafka/errors';
import { Kafka } from 'kafkajs';
import { SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { localOnly, startTarget, Target } from './env';

describe('src/kafka: connection diagnosis and error causes', function () {
  let target: Target;
  let settings: ClusterSettings;
  const quick = { ...DEFAULT_TIMEOUTS, connectionTimeoutMs: 3000 };

  before(async () => {
    target = await startTarget({
      users: { [SANDBOX_USER]: SANDBOX_PASSWORD, 'ckafka-sandbox#limited': 'limited-secret' },
      acls: { 'ckafka-sandbox#limited': { read: ['open'], write: ['open'] } },
      topics: [
        { name: 'open', partitions: 1 },
        { name: 'closed', partitions: 1 },
      ],
    });
    settings = { id: 't', name: 'it', bootstrapServers: target.bootstrap, securityProtocol: target.protocol, saslMechanism: target.mechanism, username: target.username };
  });

  after(async () => target?.local?.stop());

  it('passes every step', async () => {
    const steps = await diagnose(settings, target.password, quick, () => undefined);
    assert.deepStrictEqual(
      steps.map((s) => [s.step, s.ok]),
      [
        ['resolve', true],
        ['connect', true],
        ['authenticate', true],
        ['metadata', true],
        ['topicAccess', true],
      ],
    );
    assert.match(steps[3].detail, /^[1-9][0-9]* broker\(s\), [0-9]+ topic\(s\)$/);
    if (target.local) {
      assert.strictEqual(steps[3].detail, '1 broker(s), 2 topic(s)');
    }
  });

  it('stops at authentication with cause "authentication" for a wrong password', async () => {
    const started = Date.now();
    const steps = await diagnose(settings, 'wrong', quick, () => undefined);
    const last = steps[steps.length - 1];
    assert.deepStrictEqual([last.step, last.ok, last.failure?.cause], ['authenticate', false, 'authentication']);
    assert.ok(Date.now() - started < 5000);
    assert.ok(!last.detail.includes('wrong'), 'the detail does not echo the password');
  });

  it('stops at connect with cause "refused" for a closed port', async () => {
    const closed = await startBroker();
    const address = closed.bootstrap;
    await closed.stop();
    const steps = await diagnose({ ...settings, bootstrapServers: address }, target.password, quick, () => undefined);
    const last = steps[steps.length - 1];
    assert.deepStrictEqual([last.step, last.ok, last.failure?.cause], ['connect', false, 'refused']);
  });

  it('stops at name resolution for a host that does not resolve', async () => {
    const steps = await diagnose({ ...settings, bootstrapServers: 'no-such-host.invalid:9092' }, target.password, quick, () => undefined);
    const last = steps[steps.length - 1];
    assert.deepStrictEqual([last.step, last.ok], ['resolve', false]);
    assert.ok(last.failure?.cause === 'nameResolution' || last.failure?.cause === 'timeout', String(last.failure?.cause));
  });

  it('classifies a kafkajs produce to an ACL-denied topic as "topicAuthorization"', async function () {
    localOnly(this, target, 'the users and ACLs are configured on the local broker');
    const limited = { ...settings, username: 'ckafka-sandbox#limited' };
    const producer = new Kafka(kafkaConfig(limited, 'limited-secret', { ...quick, retries: 0 })).producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'open', messages: [{ value: 'ok' }] });
      const error = await producer.send({ topic: 'closed', messages: [{ value: 'no' }] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.strictEqual(classifyError(error).cause, 'topicAuthorization');
    } finally {
      await producer.disconnect();
    }
  });
});
