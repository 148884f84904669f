import * as assert from 'assert';
import { clearTextPasswordHosts, isLoopbackHost } from '../../src/kafka/cluster';
import { joinSaslUsername, parseBootstrapServers, splitSaslUsername } from '../../src/kafka/connection';
import { ValidationError, ValidationReason } from '../../src/kafka/validation';

function refuses(fn: () => unknown, reason: ValidationReason): void {
  assert.throws(fn, (e: unknown) => e instanceof ValidationError && e.reason === reason);
}

describe('parseBootstrapServers', () => {
  it('parses one CKafka public-route address', () => {
    assert.deepStrictEqual(parseBootstrapServers('ckafka-abc123.ap-guangzhou.ckafka.tencentcloudmq.com:50000'), [
      { host: 'ckafka-abc123.ap-guangzhou.ckafka.tencentcloudmq.com', port: 50000 },
    ]);
  });

  it('parses a list with spaces around entries, IPs and IPv6', () => {
    assert.deepStrictEqual(parseBootstrapServers(' 10.0.0.1:9092 , localhost:9093,[::1]:9094 '), [
      { host: '10.0.0.1', port: 9092 },
      { host: 'localhost', port: 9093 },
      { host: '[::1]', port: 9094 },
    ]);
  });

  it('refuses empty input', () => {
    refuses(() => parseBootstrapServers(''), 'bootstrap.empty');
    refuses(() => parseBootstrapServers('   '), 'bootstrap.empty');
  });

  it('refuses an empty entry', () => refuses(() => parseBootstrapServers('a:1,,b:2'), 'bootstrap.entryEmpty'));
  it('refuses spaces inside an entry', () => refuses(() => parseBootstrapServers('my host:9092'), 'bootstrap.whitespace'));
  it('refuses a missing port', () => {
    refuses(() => parseBootstrapServers('localhost'), 'bootstrap.missingPort');
    refuses(() => parseBootstrapServers(':9092'), 'bootstrap.missingPort');
    refuses(() => parseBootstrapServers('[::1]'), 'bootstrap.missingPort');
  });
  it('refuses ports out of range or not numbers', () => {
    for (const bad of ['h:0', 'h:65536', 'h:99999', 'h:', 'h:-1', 'h:80a', 'h:1e3', 'h:123456']) {
      refuses(() => parseBootstrapServers(bad), 'bootstrap.badPort');
    }
  });
  it('refuses non-ASCII and malformed host names', () => {
    for (const bad of ['卡夫卡.com:9092', 'host_name:1', '-host:1', 'a..b:1', 'h/x:1']) {
      refuses(() => parseBootstrapServers(bad), 'bootstrap.badHost');
    }
  });
});

describe('joinSaslUsername', () => {
  it('joins instance ID and user name with #', () => {
    assert.strictEqual(joinSaslUsername('ckafka-abc123', 'alice'), 'ckafka-abc123#alice');
    assert.strictEqual(joinSaslUsername(' ckafka-abc123 ', ' alice '), 'ckafka-abc123#alice');
  });

  it('takes a user name that already holds # as the whole SASL user name', () => {
    assert.strictEqual(joinSaslUsername('', 'ckafka-xyz#bob'), 'ckafka-xyz#bob');
    assert.strictEqual(joinSaslUsername('ckafka-other', 'ckafka-xyz#bob'), 'ckafka-xyz#bob');
  });

  it('refuses bad input', () => {
    refuses(() => joinSaslUsername('ckafka-abc', ''), 'username.empty');
    refuses(() => joinSaslUsername('ckafka-abc', '  '), 'username.empty');
    refuses(() => joinSaslUsername('', 'alice'), 'username.instanceIdEmpty');
    refuses(() => joinSaslUsername('ckafka abc', 'alice'), 'username.badInstanceId');
    refuses(() => joinSaslUsername('实例', 'alice'), 'username.badInstanceId');
    refuses(() => joinSaslUsername('ckafka-abc', 'al ice'), 'username.badCharacters');
    refuses(() => joinSaslUsername('ckafka-abc', '用户'), 'username.badCharacters');
    refuses(() => joinSaslUsername('', '#bob'), 'username.instanceIdEmpty');
    refuses(() => joinSaslUsername('', 'ckafka-x#'), 'username.empty');
  });

  it('splits at the first #', () => {
    assert.deepStrictEqual(splitSaslUsername('ckafka-abc#alice'), ['ckafka-abc', 'alice']);
    assert.deepStrictEqual(splitSaslUsername('alice'), ['', 'alice']);
  });
});

describe('clear-text password hosts', () => {
  it('takes localhost, 127.0.0.0/8 and ::1 as loopback, and nothing else', () => {
    for (const host of ['localhost', 'LOCALHOST.', 'a.localhost', '127.0.0.1', '127.255.0.9', '[::1]', '[0:0:0:0:0:0:0:1]', '[::ffff:127.0.0.1]']) {
      assert.ok(isLoopbackHost(host), host);
    }
    for (const host of ['10.0.0.1', '128.0.0.1', '127.0.0.256', '[::2]', '[::]', '[1::]', '[1::1]', '[::ffff:10.0.0.1]', 'localhost.example.com', 'ckafka-abc.ap-guangzhou.ckafka.tencentcloudmq.com']) {
      assert.ok(!isLoopbackHost(host), host);
    }
  });

  it('lists the non-loopback brokers of a SASL_PLAINTEXT cluster only', () => {
    assert.deepStrictEqual(clearTextPasswordHosts({ securityProtocol: 'SASL_PLAINTEXT', bootstrapServers: '127.0.0.1:9092, 10.0.0.5:9092' }), ['10.0.0.5:9092']);
    assert.deepStrictEqual(clearTextPasswordHosts({ securityProtocol: 'SASL_PLAINTEXT', bootstrapServers: 'localhost:9092,[::1]:9093' }), []);
    assert.deepStrictEqual(clearTextPasswordHosts({ securityProtocol: 'SASL_SSL', bootstrapServers: '10.0.0.5:9092' }), []);
    assert.deepStrictEqual(clearTextPasswordHosts({ securityProtocol: 'PLAINTEXT', bootstrapServers: '10.0.0.5:9092' }), []);
    assert.deepStrictEqual(clearTextPasswordHosts({ securityProtocol: 'SASL_PLAINTEXT', bootstrapServers: 'not a list' }), []);
  });
});
