/** What went wrong, in terms a user can act on. The VS Code side turns each into a localized hint. */
export type FailureCause =
  | 'authentication'
  | 'topicAuthorization'
  | 'groupAuthorization'
  | 'clusterAuthorization'
  | 'nameResolution'
  | 'refused'
  | 'timeout'
  | 'unknownTopic'
  | 'messageTooLarge'
  | 'tls'
  /** A worker thread of the extension (the consumer thread, Message Query's scan) ended: out of memory, or a crash. */
  | 'thread'
  | 'other';

export interface Failure {
  cause: FailureCause;
  /** The underlying message, for the log channel; never contains a password (kafkajs never echoes it). */
  detail: string;
}

interface ChainLink {
  name?: string;
  type?: string;
  code?: string;
  message?: string;
}

/**
 * Every error in kafkajs's wrapping chain, outermost first. A retrier wraps the broker's error in
 * `cause`, a consumer crash or a batch in `originalError` or `errors`, and DeleteGroups puts per-group
 * errors in `groups[].error`.
 */
function chain(error: unknown): ChainLink[] {
  const out: ChainLink[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown) => {
    if (typeof e !== 'object' || e === null || seen.has(e) || out.length > 16) {
      return;
    }
    seen.add(e);
    const x = e as { name?: unknown; type?: unknown; code?: unknown; message?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown; groups?: unknown };
    out.push({
      name: typeof x.name === 'string' ? x.name : undefined,
      type: typeof x.type === 'string' ? x.type : undefined,
      code: typeof x.code === 'string' ? x.code : undefined,
      message: typeof x.message === 'string' ? x.message : undefined,
    });
    visit(x.cause);
    visit(x.originalError);
    if (Array.isArray(x.errors)) {
      x.errors.forEach(visit);
    }
    if (Array.isArray(x.groups)) {
      x.groups.forEach((g: unknown) => visit((g as { error?: unknown } | null)?.error));
    }
  };
  visit(error);
  return out;
}

/** The broker's error name, such as TOPIC_AUTHORIZATION_FAILED, wherever kafkajs wrapped it. */
export function kafkaErrorType(error: unknown): string | undefined {
  return chain(error).find((l) => l.type !== undefined && /^[A-Z_]+$/.test(l.type))?.type;
}

const BY_TYPE: Record<string, FailureCause> = {
  SASL_AUTHENTICATION_FAILED: 'authentication',
  ILLEGAL_SASL_STATE: 'authentication',
  UNSUPPORTED_SASL_MECHANISM: 'authentication',
  TOPIC_AUTHORIZATION_FAILED: 'topicAuthorization',
  GROUP_AUTHORIZATION_FAILED: 'groupAuthorization',
  CLUSTER_AUTHORIZATION_FAILED: 'clusterAuthorization',
  UNKNOWN_TOPIC_OR_PARTITION: 'unknownTopic',
  MESSAGE_TOO_LARGE: 'messageTooLarge',
  RECORD_LIST_TOO_LARGE: 'messageTooLarge',
};

/** Maps a kafkajs or socket error to the cause the user should fix. */
export function classifyError(error: unknown): Failure {
  const links = chain(error);
  const detail = links.map((l) => l.message).filter((m): m is string => !!m).join(' ← ') || String(error);
  const has = (test: (l: (typeof links)[number]) => boolean) => links.some(test);
  for (const link of links) {
    const cause = link.type ? BY_TYPE[link.type] : undefined;
    if (cause) {
      return { cause, detail };
    }
  }
  if (has((l) => l.name === 'KafkaJSSASLAuthenticationError' || /SASL .*authentication failed|Authentication failed/i.test(l.message ?? ''))) {
    return { cause: 'authentication', detail };
  }
  if (has((l) => l.code === 'ENOTFOUND' || l.code === 'EAI_AGAIN' || /getaddrinfo/.test(l.message ?? ''))) {
    return { cause: 'nameResolution', detail };
  }
  if (has((l) => l.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(l.message ?? ''))) {
    return { cause: 'refused', detail };
  }
  if (has((l) => /certificate|SSL|TLS|EPROTO/i.test(`${l.code ?? ''} ${l.message ?? ''}`))) {
    return { cause: 'tls', detail };
  }
  if (has((l) => l.name === 'KafkaJSRequestTimeoutError' || l.code === 'ETIMEDOUT' || /timeout|timed out/i.test(l.message ?? ''))) {
    return { cause: 'timeout', detail };
  }
  return { cause: 'other', detail };
}
