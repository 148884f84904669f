import * as assert from 'assert';
import { kafkaConfig, readClusterEntries } from '../../src/kafka/cluster';

const base = { id: 'c1', name: 'prod', bootstrapServers: 'broker.example.com:9093', username: 'ckafka-abc#me' };

describe('hand-edited ckafka.clusters entries (readClusterEntries)', () => {
  it('normalises enumerated values written in any case, with - or _', () => {
    const [ssl, scram] = readClusterEntries([
      { ...base, securityProtocol: 'sasl_ssl' },
      { ...base, id: 'c2', securityProtocol: 'Sasl-Plaintext', saslMechanism: 'scram-sha-512' },
    ]);
    assert.strictEqual(ssl.settings?.securityProtocol, 'SASL_SSL');
    assert.strictEqual(scram.settings?.securityProtocol, 'SASL_PLAINTEXT');
    assert.strictEqual(scram.settings?.saslMechanism, 'SCRAM-SHA-512');
    // What reaches kafkajs: TLS for sasl_ssl, SCRAM for scram-sha-512; never PLAIN over plaintext.
    const tls = kafkaConfig(ssl.settings!, 'pw');
    assert.ok(tls.ssl, 'sasl_ssl connects over TLS');
    assert.strictEqual((kafkaConfig(scram.settings!, 'pw').sasl as { mechanism: string }).mechanism, 'scram-sha-512');
  });

  it('refuses an unknown or unsupported value, naming the field, instead of falling back', () => {
    const entries = readClusterEntries([
      { ...base, securityProtocol: 'SSL' },
      { ...base, id: 'c2', securityProtocol: 'SASL_TLS' },
      { ...base, id: 'c3', securityProtocol: 'SASL_SSL', saslMechanism: 'GSSAPI' },
      { ...base, id: 'c4' },
      { ...base, id: 'c5', securityProtocol: 'PLAINTEXT', skipHostnameVerification: 'yes' },
    ]);
    assert.deepStrictEqual(
      entries.map((e) => e.problem),
      [
        { field: 'securityProtocol', value: 'SSL', reason: 'unsupported' },
        { field: 'securityProtocol', value: 'SASL_TLS', reason: 'unknownValue' },
        { field: 'saslMechanism', value: 'GSSAPI', reason: 'unknownValue' },
        { field: 'securityProtocol', value: 'undefined', reason: 'missing' },
        { field: 'skipHostnameVerification', value: 'yes', reason: 'unknownValue' },
      ],
    );
    assert.ok(entries.every((e) => e.settings === undefined));
  });

  it('refuses both entries that share an id, and keeps the others', () => {
    const entries = readClusterEntries([
      { ...base, securityProtocol: 'SASL_SSL' },
      { ...base, name: 'attacker', bootstrapServers: 'evil.example.com:9092', securityProtocol: 'SASL_PLAINTEXT' },
      { ...base, id: 'c2', securityProtocol: 'PLAINTEXT' },
    ]);
    assert.deepStrictEqual(
      entries.map((e) => e.problem?.reason ?? e.settings?.id),
      ['duplicateId', 'duplicateId', 'c2'],
    );
  });

  it('ignores what is not an array, and refuses entries that are not objects', () => {
    assert.deepStrictEqual(readClusterEntries({ id: 'x' }), []);
    assert.strictEqual(readClusterEntries(['text'])[0].problem?.field, 'id');
  });
});
