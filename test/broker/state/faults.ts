/** Faults a test injects into the broker's answers. Broker restarts and dropped connections live on the Broker. */
export type MalformMode = 'truncate' | 'wrongLength' | 'wrongCorrelationId';

export class Faults {
  private readonly failures = new Map<number, { count: number; code: number }>();
  private readonly delays = new Map<number | 'all', number>();
  private malformed: { mode: MalformMode; count: number } | undefined;

  /** The next `count` requests of API `apiKey` answer with `errorCode`. */
  failNext(apiKey: number, count: number, errorCode: number): void {
    this.failures.set(apiKey, { count, code: errorCode });
  }

  /** Delays every response (or those of one API) by `ms`; 0 removes the delay. */
  delay(ms: number, apiKey?: number): void {
    if (ms > 0) {
      this.delays.set(apiKey ?? 'all', ms);
    } else {
      this.delays.delete(apiKey ?? 'all');
    }
  }

  /** The next `count` responses (any API but ApiVersions and SASL) are malformed in the given way. */
  malform(mode: MalformMode, count: number): void {
    this.malformed = { mode, count };
  }

  clear(): void {
    this.failures.clear();
    this.delays.clear();
    this.malformed = undefined;
  }

  takeFailure(apiKey: number): number | undefined {
    const f = this.failures.get(apiKey);
    if (!f) {
      return undefined;
    }
    if (--f.count <= 0) {
      this.failures.delete(apiKey);
    }
    return f.code;
  }

  delayFor(apiKey: number): number {
    return this.delays.get(apiKey) ?? this.delays.get('all') ?? 0;
  }

  takeMalform(): MalformMode | undefined {
    const m = this.malformed;
    if (!m) {
      return undefined;
    }
    if (--m.count <= 0) {
      this.malformed = undefined;
    }
    return m.mode;
  }
}
