import * as assert from 'assert';
import * as vscode from 'vscode';
import { Kafka, logLevel } from 'kafkajs';
import type { ResetResult } from '../../src/commands/resetOffsets';
import type { ConnectionTestResult } from '../../src/clusters/connectionTest';
import type { ExtensionApi } from '../../src/extension';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { activate, EXTENSION_ID, waitFor } from './helpers';
import { screen } from './shown';

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
  const good = `${id}-ok`;

  before(async () => {
    api = await activate();
    broker = await startBroker({ topics: [{ name: 'l10n-orders', partitions: 2 }] });
    const add = (clusterId: string, password: string) =>
      api.clusters.add({ id: clusterId, name: clusterId, bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER }, password);
    await add(id, 'not-the-password');
    await add(good, SANDBOX_PASSWORD);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.sessions.drop(good);
    await api.clusters.remove(id);
    await api.clusters.remove(good);
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
    assert.strictEqual(title('ckafka.resetGroupOffsets'), chinese ? '重置消费组位点…' : 'Reset Group Offsets…');
    assert.strictEqual(title('ckafka.copyGroupOffsets'), chinese ? '复制消费组位点（JSON）' : 'Copy Group Offsets as JSON');
  });

  it(`writes the reset document and its result in ${vscode.env.language}, its table aligned`, async () => {
    const kafka = new Kafka({ brokers: broker.brokers, sasl: { mechanism: 'plain', username: SANDBOX_USER, password: SANDBOX_PASSWORD }, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'l10n-orders', messages: [1, 2, 3].map((n) => ({ partition: 1, value: `record ${n}` })) });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: 'l10n-group', topic: 'l10n-orders', partitions: [{ partition: 0, offset: '0' }, { partition: 1, offset: '0' }] });
    await admin.disconnect();
    const result = await vscode.commands.executeCommand<ResetResult>('ckafka.resetGroupOffsets', { clusterId: good, groupId: 'l10n-group', topic: 'l10n-orders', to: { offset: '1:5' }, confirm: true });
    assert.strictEqual(result.outcome, 'written', screen.messages[screen.messages.length - 1]);
    const text = await waitFor('the written reset document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'ckafka' && d.getText().includes('l10n-group') && d.getText().includes('✓'))?.getText());
    const lines = text.split('\n');
    const table = lines.filter((l) => l.startsWith('|'));
    const cells = (line: string) => line.slice(1, -1).split(' | ').map((c) => c.trim());
    if (chinese) {
      assert.strictEqual(lines[0], '# 重置消费组 l10n-group 的位点：已写入');
      assert.deepStrictEqual(cells(table[0]), ['分区', '已提交位点', '新位点', '重置后堆积', '日志起止', '说明', '回读结果']);
      assert.deepStrictEqual(cells(table[2]), ['1', '0', '3', '0', '0–3', '⚠ 已限定为末端（指定 5）', '✓ 3']);
    } else {
      assert.strictEqual(lines[0], '# Reset offsets of consumer group l10n-group: written');
      assert.deepStrictEqual(cells(table[0]), ['Partition', 'Committed', 'New offset', 'Lag after', 'Log start–end', 'Note', 'Read back']);
      assert.deepStrictEqual(cells(table[2]), ['1', '0', '3', '0', '0–3', '⚠ clamped to end (asked 5)', '✓ 3']);
    }
    // Every row as wide as the header in a monospace font, where Chinese characters and full-width
    // punctuation take two columns (measured here, not with the code under test).
    const columns = (line: string) => line.length + (line.match(/[\u3000-\u9fff\uff00-\uff60]/g) ?? []).length;
    assert.strictEqual(new Set(table.map(columns)).size, 1, table.join('\n'));
  });

  it(`gives the authentication hint in ${vscode.env.language}, naming 用户管理`, async () => {
    const result = await vscode.commands.executeCommand<ConnectionTestResult>('ckafka.testConnection', id);
    assert.strictEqual(result.ok, false);
    assert.match(result.hint ?? '', /用户管理/);
    assert.match(result.hint ?? '', chinese ? /认证失败/ : /^Authentication failed/);
  });

  it(`says what Test Connection found in ${vscode.env.language}, counts included`, async () => {
    const shown = screen.messages.length;
    const result = await vscode.commands.executeCommand<ConnectionTestResult>('ckafka.testConnection', good);
    assert.strictEqual(result.ok, true);
    const message = await waitFor('the message', () => screen.messages.slice(shown).find((m) => m.includes(good)));
    // One broker and the one topic of this broker (no internal topics): the numbers, in the user's language.
    assert.strictEqual(message, chinese ? `已连接到 ${good}：1 个 Broker，1 个 Topic。` : `Connected to ${good}: 1 broker(s), 1 topic(s).`);
  });
});
