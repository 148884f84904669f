import type { KafkaConfig } from 'kafkajs';
import { classifyError, Failure } from './errors';
import { kafkajs } from './lib';

/**
 * Whether the broker refuses the consumer group to this user (GROUP_AUTHORIZATION_FAILED).
 *
 * kafkajs tries FindCoordinator on every broker and, when all refuse, reports only "Failed to find
 * group coordinator": the broker's reason is lost. It does pass each refusal to its logger, so this
 * check asks for the group's coordinator with a separate client whose logger watches for that error.
 * False when the group is allowed or when the broker could not be asked at all.
 */
export async function groupAccessDenied(config: KafkaConfig, groupId: string): Promise<boolean> {
  let denied = false;
  const kafka = new (kafkajs().Kafka)({
    ...config,
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
    logLevel: kafkajs().logLevel.DEBUG,
    logCreator: () => (entry) => {
      const error = (entry.log as { error?: { type?: unknown } }).error;
      if (error?.type === 'GROUP_AUTHORIZATION_FAILED') {
        denied = true;
      }
    },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster(); // fills the broker list FindCoordinator is sent to
    await admin.describeGroups([groupId]);
  } catch {
    // The refusal, if any, was seen by the logger.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return denied;
}

/**
 * Classifies a failed group operation. kafkajs reports a refused group only as a vague coordinator
 * failure; that one is checked with {@link groupAccessDenied} and becomes `groupAuthorization`.
 */
export async function classifyGroupFailure(config: KafkaConfig, groupId: string, error: unknown): Promise<Failure> {
  const failure = classifyError(error);
  if (failure.cause === 'other' && /coordinator|broker pool/i.test(failure.detail) && (await groupAccessDenied(config, groupId))) {
    return { cause: 'groupAuthorization', detail: `GROUP_AUTHORIZATION_FAILED for group ${groupId} (${failure.detail})` };
  }
  return failure;
}
