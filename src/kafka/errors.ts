/**
 * kafkajs wraps broker errors: a retrier wraps the protocol error in a KafkaJSNonRetriableError (`cause`),
 * a consumer crash or a batch wraps them in `originalError` or `errors`. This finds the broker's error
 * name, such as TOPIC_AUTHORIZATION_FAILED, wherever it sits.
 */
export function kafkaErrorType(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 8) {
    return undefined;
  }
  const e = error as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (typeof e.type === 'string' && /^[A-Z_]+$/.test(e.type)) {
    return e.type;
  }
  const nested = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])];
  for (const inner of nested) {
    const found = kafkaErrorType(inner, depth + 1);
    if (found) {
      return found;
    }
  }
  return undefined;
}
