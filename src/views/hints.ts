import * as vscode from 'vscode';
import { timeouts } from '../clusters/sessions';
import type { Ctx } from '../ctx';
import { hintFor } from '../clusters/hints';
import { ClusterSettings, kafkaConfig, usesSasl } from '../kafka/cluster';
import { classifyError, Failure, FailureCause, kafkaErrorType } from '../kafka/errors';
import { classifyGroupFailure } from '../kafka/groupAccess';

/** A short, actionable hint for a failed load; the full hint and the detail go to the tooltip and the log. */
export function shortHint(cause: FailureCause | 'cancelled'): string {
  switch (cause) {
    case 'authentication':
      return vscode.l10n.t('Authentication failed: check the instanceId#username user name and the password under User Management (用户管理)');
    case 'topicAuthorization':
      return vscode.l10n.t('Not authorized: configure an ACL policy (ACL 策略管理) for this user');
    case 'groupAuthorization':
      return vscode.l10n.t('Not authorized for the group: allow it in an ACL policy (ACL 策略管理)');
    case 'clusterAuthorization':
      return vscode.l10n.t('Not authorized on the cluster: check the ACL policies (ACL 策略管理)');
    case 'refused':
    case 'timeout':
    case 'nameResolution':
      return vscode.l10n.t('Unreachable: check the access route (接入方式), its port and the public-access allow-list');
    case 'tls':
      return vscode.l10n.t('TLS handshake failed: check the CA file and that the route expects SASL_SSL');
    case 'unknownTopic':
      return vscode.l10n.t('The topic no longer exists');
    case 'cancelled':
      return vscode.l10n.t('No password: click to enter it');
    default:
      return vscode.l10n.t('Loading failed: see the CKafka output');
  }
}

/** Broker errors of topic and group administration, in words; undefined for the others. */
function adminErrorText(type: string | undefined): string | undefined {
  switch (type) {
    case 'TOPIC_ALREADY_EXISTS':
      return vscode.l10n.t('A topic with this name already exists.');
    case 'INVALID_REPLICATION_FACTOR':
      return vscode.l10n.t('The replication factor is invalid: it cannot exceed the number of brokers.');
    case 'INVALID_PARTITIONS':
      return vscode.l10n.t('The number of partitions is invalid.');
    case 'INVALID_TOPIC_EXCEPTION':
      return vscode.l10n.t('The broker refused the topic name.');
    case 'POLICY_VIOLATION':
    case 'INVALID_REQUEST':
    case 'UNSUPPORTED_VERSION':
      return vscode.l10n.t('The cluster refused the request; CKafka limits topic administration through the Kafka protocol: use the CKafka console.');
    case 'NON_EMPTY_GROUP':
      return vscode.l10n.t('The group still has active members: stop its consumers first.');
    case 'GROUP_ID_NOT_FOUND':
      return vscode.l10n.t('The group no longer exists.');
    default:
      return undefined;
  }
}

/** A failed topic or group operation in words the user can act on, and the raw detail for the log. */
export function adminFailure(error: unknown): { hint: string; detail: string } {
  const failure = classifyError(error);
  const hint = adminErrorText(kafkaErrorType(error)) ?? (failure.cause === 'other' ? failure.detail : hintFor(failure.cause));
  return { hint, detail: failure.detail };
}

/**
 * Reports a failed topic or group operation: the detail to the log, the hint to the user. A dismissed
 * password prompt is passed on, so the command ends quietly. Returns false, what the commands resolve with.
 */
export function reportAdminFailure(ctx: Ctx, action: string, message: (hint: string) => string, error: unknown): false {
  if (error instanceof vscode.CancellationError) {
    throw error;
  }
  const { hint, detail } = adminFailure(error);
  ctx.log.error(`${action} failed: ${detail}`);
  void ctx.showError(message(hint));
  return false;
}

/**
 * Classifies a failed operation on a consumer group. kafkajs reports a group refused by an ACL only as a
 * coordinator failure; that one is checked and named as the group ACL it is.
 */
export async function groupFailure(ctx: Ctx, cluster: ClusterSettings, groupId: string, error: unknown): Promise<Failure> {
  const failure = classifyError(error);
  if (failure.cause !== 'other') {
    return failure;
  }
  const config = kafkaConfig(cluster, usesSasl(cluster) ? await ctx.sessions.password(cluster) : undefined, timeouts());
  return classifyGroupFailure(config, groupId, error);
}
