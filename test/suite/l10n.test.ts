import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ConnectionTestResult } from '../../src/commands/testConnection';
import type { ExtensionApi } from '../../src/ctx';
import { LocalBroker, SANDBOX_USER, startBroker } from '../broker';
import { activate, EXTENSION_ID } from './helpers';

/**
 * Runs in every host; `npm test` also runs it alone in a host whose display language is zh-cn
 * (CKAFKA_TEST_LOCALE=zh-cn), where the same checks expect Chinese.
 */
describe('display language', function () {
  this.timeout(60_000);
  const chinese = vscode.env.language === 'zh-cn';
  let api: ExtensionApi;
  let broker: LocalBroker;
  const id = `l10n-${Date.now().toString(36)}`;

  before(async () => {
    api = await activate();
    broker = await startBroker();
    await api.clusters.add({ id, name: id, bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER }, 'not-the-password');
  });

  after(async () => {
    await api.clusters.remove(id);
    await broker.stop();
  });

  it(`shows the command titles in ${vscode.env.language}`, () => {
    // VS Code localizes the manifest it hands to the extension host; a translated title keeps its original.
    type Title = string | { value: string; original: string };
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: { command: string; title: Title }[] } };
    const title = (command: string) => {
      const found = manifest.contributes.commands.find((c) => c.command === command)?.title;
      return typeof found === 'object' ? found.value : found;
    };
    assert.strictEqual(title('ckafka.addCluster'), chinese ? '添加集群' : 'Add Cluster');
    assert.strictEqual(title('ckafka.produceSelection'), chinese ? '发送选中内容' : 'Produce Selection');
  });

  it(`gives the authentication hint in ${vscode.env.language}, naming 用户管理`, async () => {
    const result = await vscode.commands.executeCommand<ConnectionTestResult>('ckafka.testConnection', id);
    assert.strictEqual(result.ok, false);
    assert.match(result.hint ?? '', /用户管理/);
    assert.match(result.hint ?? '', chinese ? /认证失败/ : /^Authentication failed/);
  });
});
