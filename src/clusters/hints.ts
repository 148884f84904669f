import * as vscode from 'vscode';
import { FailureCause } from '../kafka/errors';

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
    default:
      return vscode.l10n.t('The request failed; see the CKafka output channel for details.');
  }
}
