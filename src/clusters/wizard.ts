import * as vscode from 'vscode';
import { askPick, askText, BACK, runSteps } from './input';
import { validateBootstrap, validateInstanceId, validateName, validateUsername } from './validation';
import { ClusterSettings, SASL_MECHANISMS, SaslMechanism, SecurityProtocol, usesSasl } from '../kafka/cluster';
import { joinSaslUsername, splitSaslUsername } from '../kafka/connection';

/** Everything Add Cluster asks; also accepted as the command's argument, to add a cluster without prompts. */
export interface ClusterAnswers {
  name: string;
  bootstrapServers: string;
  securityProtocol: SecurityProtocol;
  saslMechanism?: SaslMechanism;
  instanceId?: string;
  username?: string;
  password?: string;
  caFile?: string;
  skipHostnameVerification?: boolean;
  /** Run Test Connection after saving (the default). */
  testConnection?: boolean;
}

/** Checks answers given as an argument with the same rules as the prompts; throws the first problem. */
export function validateAnswers(a: ClusterAnswers, taken: string[]): void {
  const problem =
    validateName(a.name ?? '', taken) ??
    validateBootstrap(a.bootstrapServers ?? '') ??
    (usesSasl(a) ? (validateInstanceId(a.instanceId ?? '') ?? validateUsername(a.instanceId ?? '', a.username ?? '')) : undefined) ??
    (usesSasl(a) && !a.password ? vscode.l10n.t('Enter the password.') : undefined);
  if (problem) {
    throw new Error(problem);
  }
}

export function toSettings(id: string, a: ClusterAnswers): ClusterSettings {
  const sasl = usesSasl(a);
  return {
    id,
    name: a.name.trim(),
    bootstrapServers: a.bootstrapServers.trim(),
    securityProtocol: a.securityProtocol,
    saslMechanism: sasl ? (a.saslMechanism ?? 'PLAIN') : undefined,
    username: sasl ? joinSaslUsername(a.instanceId ?? '', a.username ?? '') : undefined,
    caFile: a.securityProtocol === 'SASL_SSL' && a.caFile ? a.caFile : undefined,
    skipHostnameVerification: a.securityProtocol === 'SASL_SSL' && a.skipHostnameVerification ? true : undefined,
  };
}

/** The guided steps, shared by Add Cluster and Edit Cluster. Resolves with the answers, or undefined if cancelled. */
export async function askClusterAnswers(title: string, initial: Partial<ClusterAnswers>, taken: string[], askPassword: boolean): Promise<ClusterAnswers | undefined> {
  const a: Partial<ClusterAnswers> = { securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', ...initial };
  const total = () => (a.securityProtocol === 'PLAINTEXT' ? 3 : a.securityProtocol === 'SASL_SSL' ? 9 : 7);
  const text = async (step: number, key: 'name' | 'bootstrapServers' | 'instanceId' | 'username' | 'password' | 'caFile', prompt: string, validate: (v: string) => string | undefined, extra: { placeholder?: string; password?: boolean } = {}) => {
    const value = await askText({ title, step, totalSteps: total(), prompt, value: key === 'password' ? '' : a[key], validate, ...extra });
    if (value === BACK || value === undefined) {
      return value;
    }
    // A password is kept exactly as typed: spaces at either end are part of it.
    a[key] = key === 'password' ? value : value.trim();
    return 'next' as const;
  };
  const sasl = () => a.securityProtocol !== 'PLAINTEXT';
  const ok = await runSteps([
    () => text(1, 'name', vscode.l10n.t('A name for this cluster, shown in the explorer.'), (v) => validateName(v, taken), { placeholder: 'ckafka-prod' }),
    () => text(2, 'bootstrapServers', vscode.l10n.t('Bootstrap servers: the access address from Access Routes (接入方式), as host:port, comma-separated.'), validateBootstrap, { placeholder: 'ckafka-xxxx.ap-guangzhou.ckafka.tencentcloudmq.com:50000' }),
    async () => {
      const picked = await askPick<SecurityProtocol>({
        title,
        step: 3,
        totalSteps: total(),
        placeholder: vscode.l10n.t('Security protocol'),
        active: a.securityProtocol,
        items: [
          { label: 'SASL_PLAINTEXT', description: vscode.l10n.t('CKafka public route (default)'), value: 'SASL_PLAINTEXT' },
          { label: 'SASL_SSL', description: vscode.l10n.t('SASL over TLS'), value: 'SASL_SSL' },
          { label: 'PLAINTEXT', description: vscode.l10n.t('VPC route, no authentication'), value: 'PLAINTEXT' },
        ],
      });
      if (picked === BACK || picked === undefined) {
        return picked;
      }
      a.securityProtocol = picked;
      return 'next';
    },
    async () => {
      if (!sasl()) {
        return 'skip';
      }
      const picked = await askPick<SaslMechanism>({
        title,
        step: 4,
        totalSteps: total(),
        placeholder: vscode.l10n.t('SASL mechanism'),
        active: a.saslMechanism,
        items: SASL_MECHANISMS.map((m) => ({ label: m, description: m === 'PLAIN' ? vscode.l10n.t('CKafka default') : undefined, value: m })),
      });
      if (picked === BACK || picked === undefined) {
        return picked;
      }
      a.saslMechanism = picked;
      return 'next';
    },
    () => (sasl() ? text(5, 'instanceId', vscode.l10n.t('Instance ID, for example ckafka-abc123 (leave empty if you type instanceId#username next).'), validateInstanceId, { placeholder: 'ckafka-abc123' }) : Promise.resolve('skip' as const)),
    () => (sasl() ? text(6, 'username', vscode.l10n.t('User name from User Management (用户管理); it is sent as instanceId#username.'), (v) => validateUsername(a.instanceId ?? '', v)) : Promise.resolve('skip' as const)),
    () =>
      sasl() && askPassword
        ? text(7, 'password', vscode.l10n.t('Password of this user. It is kept in VS Code secret storage, never in settings.'), (v) => (v === '' ? vscode.l10n.t('Enter the password.') : undefined), { password: true })
        : Promise.resolve('skip' as const),
    () => (a.securityProtocol === 'SASL_SSL' ? text(8, 'caFile', vscode.l10n.t('Optional: path of a PEM file with the CA certificate to trust (leave empty for the system CAs).'), () => undefined) : Promise.resolve('skip' as const)),
    async () => {
      if (a.securityProtocol !== 'SASL_SSL') {
        return 'skip';
      }
      const picked = await askPick<boolean>({
        title,
        step: 9,
        totalSteps: total(),
        placeholder: vscode.l10n.t('Check the broker host name against its certificate?'),
        active: a.skipHostnameVerification ?? false,
        items: [
          { label: vscode.l10n.t('Check the host name'), value: false },
          { label: vscode.l10n.t('Do not check the host name'), description: vscode.l10n.t('as CKafka demos do'), value: true },
        ],
      });
      if (picked === BACK || picked === undefined) {
        return picked;
      }
      a.skipHostnameVerification = picked;
      return 'next';
    },
  ]);
  return ok ? (a as ClusterAnswers) : undefined;
}

/** The answers an existing cluster would give, for editing it. */
export function answersOf(cluster: ClusterSettings): Partial<ClusterAnswers> {
  const [instanceId, username] = splitSaslUsername(cluster.username ?? '');
  return { ...cluster, instanceId, username };
}
