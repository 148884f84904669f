import * as vscode from 'vscode';
import type { ClusterProblem } from '../kafka/cluster';
import { joinSaslUsername, parseBootstrapServers } from '../kafka/connection';
import { RecordError } from '../kafka/produce/records';
import { ValidationError, ValidationReason } from '../kafka/validation';

function message(reason: ValidationReason, value: string): string {
  switch (reason) {
    case 'bootstrap.empty':
      return vscode.l10n.t('Enter at least one broker as host:port.');
    case 'bootstrap.entryEmpty':
      return vscode.l10n.t('The list has an empty entry: remove the extra comma.');
    case 'bootstrap.whitespace':
      return vscode.l10n.t('"{0}" contains a space: separate brokers with commas.', value);
    case 'bootstrap.missingPort':
      return vscode.l10n.t('"{0}" has no port: write it as host:port, for example {1}.', value, 'ckafka-xxxx.ap-guangzhou.ckafka.tencentcloudmq.com:50000');
    case 'bootstrap.badHost':
      return vscode.l10n.t('"{0}" is not a valid host name (ASCII letters, digits, dots and hyphens).', value);
    case 'bootstrap.badPort':
      return vscode.l10n.t('"{0}" has an invalid port: use a number from 1 to 65535.', value);
    case 'username.empty':
      return vscode.l10n.t('Enter the user name created under User Management (用户管理).');
    case 'username.instanceIdEmpty':
      return vscode.l10n.t('Enter the instance ID, for example ckafka-abc123.');
    case 'username.badInstanceId':
      return vscode.l10n.t('"{0}" is not an instance ID: it looks like ckafka-abc123.', value);
    case 'username.badCharacters':
      return vscode.l10n.t('"{0}" contains spaces or characters a SASL user name cannot hold.', value);
    case 'record.json':
      return vscode.l10n.t('not valid JSON ({0}).', value);
    case 'record.notObject':
      return vscode.l10n.t('expected a JSON object like {"key":…,"value":…}, found {0}', value);
    case 'record.value':
      return vscode.l10n.t('the object has no "value" field.');
    case 'record.headers':
      return vscode.l10n.t('"headers" must be a JSON object like {"name":"value"}, or a list of pairs like [["name","a"],["name","b"]], found {0}.', value);
    case 'record.encoding':
      return vscode.l10n.t('an encoding must be "base64" and name a field the record has ({0}); leave it out for text.', value);
    case 'record.base64':
      return vscode.l10n.t('{0} is not base64 text, although its encoding says "base64".', value);
    case 'record.nullHeader':
      return vscode.l10n.t('header "{0}" is null, and the Kafka library (kafkajs) cannot send a null header value. Write "" to send it empty, or leave the header out.', value);
    case 'record.partition':
      return vscode.l10n.t('"partition" {0} is not a partition of the topic (partition/count).', value);
    case 'record.tooLarge':
      return vscode.l10n.t('the message is too large: {0} bytes, over the topic\'s max.message.bytes limit.', value);
    case 'position.empty':
      return vscode.l10n.t('Enter a value.');
    case 'position.badOffset':
      return vscode.l10n.t('"{0}" is not an offset: enter a whole number such as 42, or partition:offset such as 2:42.', value);
    case 'position.badPartition':
      return vscode.l10n.t('"{0}" is not a partition of this topic: partitions are numbered from 0.', value);
    case 'position.badTimestamp':
      return vscode.l10n.t('"{0}" is not a time: enter an ISO date-time such as 2026-11-24T08:00:00Z, or a time such as 10 minutes ago.', value);
    case 'position.unknown':
      return vscode.l10n.t('"{0}" is not a start position: use earliest, latest, an offset or a timestamp.', value);
    case 'group.empty':
      return vscode.l10n.t('Enter the name of the consumer group.');
    case 'reset.badShift':
      return vscode.l10n.t('"{0}" is not a shift: enter a whole number of records other than 0, such as -10 (back) or +10 (forward).', value);
    case 'reset.duplicatePartition':
      return vscode.l10n.t('Partition {0} is given twice.', value);
    case 'reset.mixedOffsets':
      return vscode.l10n.t('"{0}" has no partition: write one offset for every partition (42), or partition:offset pairs (0:10, 2:30).', value);
    case 'reset.unknown':
      return vscode.l10n.t('"{0}" is not a reset strategy: use earliest, latest, a timestamp, an offset or a shift.', value);
  }
}

/** A refused produce record as one sentence that names its editor line. */
export function recordErrorMessage(error: RecordError): string {
  return vscode.l10n.t('Line {0}: {1}', error.line, message(error.reason, error.value));
}

/** Runs a parser and turns its ValidationError into the localized message (undefined when valid). */
export function validationMessage(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof ValidationError) {
      return message(error.reason, error.value);
    }
    throw error;
  }
}

export const validateBootstrap = (text: string) => validationMessage(() => parseBootstrapServers(text));
/** The instance ID may stay empty when the user name will carry it (`instanceId#username`). */
export const validateInstanceId = (id: string) => (id.trim() === '' ? undefined : validationMessage(() => joinSaslUsername(id, 'user')));
export const validateUsername = (instanceId: string, user: string) => validationMessage(() => joinSaslUsername(instanceId, user));

export function validateName(name: string, taken: string[]): string | undefined {
  if (name.trim() === '') {
    return vscode.l10n.t('Enter a name for the cluster.');
  }
  if (taken.includes(name.trim())) {
    return vscode.l10n.t('A cluster named "{0}" already exists.', name.trim());
  }
  return undefined;
}

/** Why an entry of `ckafka.clusters` is not used, naming the entry, the field and what to write instead. */
export function clusterProblemText(entry: { id?: string; name?: string; problem: ClusterProblem }): string {
  const which = entry.name ?? entry.id ?? '?';
  const { field, value } = entry.problem;
  switch (entry.problem.reason) {
    case 'missing':
      return vscode.l10n.t('Cluster "{0}" in ckafka.clusters has no {1}; add it in your User settings.', which, field);
    case 'duplicateId':
      return vscode.l10n.t('Clusters in ckafka.clusters share the id "{0}"; each needs its own (the id keys its password). Neither is used until the ids differ.', value);
    case 'unsupported':
      return vscode.l10n.t('Cluster "{0}": securityProtocol "{1}" (TLS without SASL) is not supported; use SASL_SSL, SASL_PLAINTEXT or PLAINTEXT. The cluster is not used until then.', which, value);
    case 'unknownValue':
      return field === 'securityProtocol'
        ? vscode.l10n.t('Cluster "{0}": securityProtocol "{1}" is not one of SASL_PLAINTEXT, SASL_SSL or PLAINTEXT. The cluster is not used until it is fixed.', which, value)
        : field === 'saslMechanism'
          ? vscode.l10n.t('Cluster "{0}": saslMechanism "{1}" is not one of PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. The cluster is not used until it is fixed.', which, value)
          : vscode.l10n.t('Cluster "{0}": {1} has the wrong type ({2}). The cluster is not used until it is fixed.', which, field, value);
  }
}
