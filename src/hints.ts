import * as vscode from 'vscode';
import type { ClusterSessions } from './clusters/sessions';
import { timeouts } from './clusters/sessions';
import { ClusterSettings, kafkaConfig, usesSasl } from './kafka/cluster';
import { classifyError, Failure, FailureCause, kafkaErrorType } from './kafka/errors';
import { classifyGroupFailure } from './kafka/groupAccess';

/*
 * The one home of the text that tells the user what went wrong and what to do about it, naming CKafka's
 * console pages (用户管理, ACL 策略管理, 接入方式).
 */

/** What the user should do about a failure, naming CKafka's console pages. */
export function hintFor(cause: FailureCause): string {
  switch (cause) {
    case 'authentication':
      return vscode.l10n.t('Authentication failed: check that the user name has the form instanceId#username and that the password matches the one set under User Management (用户管理) in the CKafka console.');
    case 'topicAuthorization':
      return vscode.l10n.t('Not authorized for this topic: configure an ACL policy for this user under ACL Policy Management (ACL 策略管理) in the CKafka console.');
    case 'groupAuthorization':
      return vscode.l10n.t('Not authorized for this consumer group: allow the group for this user under ACL Policy Management (ACL 策略管理) in the CKafka console.');
    case 'clusterAuthorization':
      return vscode.l10n.t('Not authorized for this cluster operation: check the user\'s ACL policies (ACL 策略管理) in the CKafka console.');
    case 'nameResolution':
      return vscode.l10n.t('The broker host name could not be resolved: check the access address under Access Routes (接入方式) and your DNS.');
    case 'refused':
      return vscode.l10n.t('The broker refused the connection: check the route type and port under Access Routes (接入方式); the public route needs SASL_PLAINTEXT.');
    case 'timeout':
      return vscode.l10n.t('The broker did not answer in time: check the route type and port under Access Routes (接入方式) and that your IP is on the public-access allow-list.');
    case 'unknownTopic':
      return vscode.l10n.t('The topic does not exist: create it in the CKafka console or with Create Topic, and check its name.');
    case 'messageTooLarge':
      return vscode.l10n.t('The record is larger than the broker accepts (1 MiB by default on CKafka): split it or raise the topic\'s max.message.bytes.');
    case 'tls':
      return vscode.l10n.t('The TLS handshake failed: check the CA file and whether the route expects SASL_SSL.');
    case 'thread':
      return vscode.l10n.t('The extension\'s background thread ended unexpectedly, most likely out of memory: start again, and if it happens again lower ckafka.consumer.maxBytes or the results budget. The CKafka log has the details.');
    default:
      return vscode.l10n.t('The request failed; see the CKafka output channel for details.');
  }
}

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
export function reportAdminFailure(log: vscode.LogOutputChannel, action: string, message: (hint: string) => string, error: unknown): false {
  if (error instanceof vscode.CancellationError) {
    throw error;
  }
  const { hint, detail } = adminFailure(error);
  log.error(`${action} failed: ${detail}`);
  void vscode.window.showErrorMessage(message(hint));
  return false;
}

/**
 * Classifies a failed operation on a consumer group. kafkajs reports a group refused by an ACL only as a
 * coordinator failure; that one is checked and named as the group ACL it is.
 */
export async function groupFailure(sessions: ClusterSessions, cluster: ClusterSettings, groupId: string, error: unknown): Promise<Failure> {
  const failure = classifyError(error);
  if (failure.cause !== 'other') {
    return failure;
  }
  const config = kafkaConfig(cluster, usesSasl(cluster) ? await sessions.password(cluster) : undefined, timeouts());
  return classifyGroupFailure(config, groupId, error);
}

const TOPIC_ADMIN_NOTICE_KEY = 'ckafka.topicAdminNoticeShown';

/** Once per user: CKafka would rather have topics managed in its console (quotas, tags, monitoring). */
export function showTopicAdminNotice(state: vscode.Memento): void {
  if (state.get<boolean>(TOPIC_ADMIN_NOTICE_KEY)) {
    return;
  }
  void state.update(TOPIC_ADMIN_NOTICE_KEY, true);
  void vscode.window.showInformationMessage(
    vscode.l10n.t(
      'CKafka recommends creating and deleting topics in the CKafka console (Topic Management, Topic 管理), where partition quotas, retention and monitoring are set up too. Changes made here go through the Kafka protocol.',
    ),
  );
}
