import * as assert from 'assert';
import * as net from 'net';
import * as os from 'os';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { SANDBOX_USER } from '../broker';

const [INSTANCE, USER] = SANDBOX_USER.split('#');
import { activate, PLAINTEXT_TEST_PASSWORD, waitFor } from './helpers';
import { screen } from './shown';

/** This machine's first IPv4 address that is not loopback, or undefined. */
function ownAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
}

/** A port on `host` where nothing listens: connecting is refused at once. */
async function closedPort(host: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('SASL_PLAINTEXT warning', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  const added: string[] = [];

  const add = async (bootstrapServers: string, securityProtocol: string): Promise<string> => {
    const id = await vscode.commands.executeCommand<string>('ckafka.addCluster', {
      name: `plaintext-${added.length}-${Date.now()}`,
      bootstrapServers,
      securityProtocol,
      saslMechanism: 'PLAIN',
      instanceId: INSTANCE,
      username: USER,
      password: PLAINTEXT_TEST_PASSWORD,
      testConnection: false,
    });
    assert.ok(id);
    added.push(id);
    return id;
  };
  const warnings = () => screen.messages.filter((m) => m.includes('SASL_PLAINTEXT') && m.includes('SASL_SSL'));

  before(async () => {
    api = await activate();
  });

  after(async () => {
    for (const id of added) {
      await api.clusters.remove(id);
    }
  });

  it('warns once per cluster that the password crosses the network unencrypted, and not for loopback or SASL_SSL', async function () {
    const ip = ownAddress();
    const host = ip ?? 'ckafka-warning-test.invalid';
    const port = ip ? await closedPort(ip) : 9092;
    console.log(`      non-loopback broker address used: ${host}:${port}`);
    const before = warnings().length;

    const remote = await add(`${host}:${port}`, 'SASL_PLAINTEXT');
    const first = await vscode.commands.executeCommand<{ ok: boolean }>('ckafka.testConnection', remote);
    assert.strictEqual(first?.ok, false, 'nothing listens there');
    await waitFor('the warning', () => (warnings().length > before ? true : undefined));
    assert.strictEqual(warnings().length, before + 1, 'one warning on the first connection');
    const warning = warnings()[warnings().length - 1];
    assert.ok(warning.includes(`${host}:${port}`), warning);
    assert.ok(!warning.includes(PLAINTEXT_TEST_PASSWORD));
    await vscode.commands.executeCommand('ckafka.testConnection', remote);
    assert.strictEqual(warnings().length, before + 1, 'no second warning for the same cluster');

    const local = await add(`127.0.0.1:${await closedPort('127.0.0.1')}`, 'SASL_PLAINTEXT');
    await vscode.commands.executeCommand('ckafka.testConnection', local);
    const tls = await add(`${host}:${port}`, 'SASL_SSL');
    await vscode.commands.executeCommand('ckafka.testConnection', tls);
    assert.strictEqual(warnings().length, before + 1, 'no warning for a loopback broker or for SASL_SSL');

    const other = await add(`${host}:${port}`, 'SASL_PLAINTEXT');
    await vscode.commands.executeCommand('ckafka.testConnection', other);
    await waitFor('the second cluster\'s warning', () => (warnings().length > before + 1 ? true : undefined));
    assert.strictEqual(warnings().length, before + 2, 'another cluster is warned once too');

    // The same cluster pointed at another remote host: its password would reach a new place, so it warns again.
    const moved = `${host}:${await closedPort(ip ?? '127.0.0.1')}`;
    await api.clusters.update({ ...api.clusters.get(remote)!, bootstrapServers: ip ? moved : 'ckafka-warning-moved.invalid:9092' });
    await vscode.commands.executeCommand('ckafka.testConnection', remote);
    await waitFor('the warning for the new host', () => (warnings().length > before + 2 ? true : undefined));
    assert.ok(warnings()[warnings().length - 1].includes(ip ? moved : 'ckafka-warning-moved.invalid:9092'));
  });
});
