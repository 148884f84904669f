/**
 * A per-user allow-list, like the ACL policies a CKafka user configures in the console.
 * Patterns are a name, a prefix ending in `*`, or `*` alone. A user with no entry may do everything.
 */
export interface UserAcl {
  /** Topics the user may consume from (Fetch, ListOffsets, OffsetCommit/Fetch on them). */
  read?: string[];
  /** Topics the user may produce to. */
  write?: string[];
  /** Consumer groups the user may join, commit to and describe. */
  groups?: string[];
  /**
   * IdempotentWrite on the cluster. `false` refuses InitProducerId without a transactional id with
   * CLUSTER_AUTHORIZATION_FAILED, as Kafka before 2.8 does for a user without that ACL, so an idempotent
   * producer cannot start. Allowed when unset.
   */
  idempotentWrite?: boolean;
}

export type Acls = Record<string, UserAcl>;

function matches(patterns: string[] | undefined, name: string): boolean {
  return (patterns ?? []).some((p) => p === '*' || p === name || (p.endsWith('*') && name.startsWith(p.slice(0, -1))));
}

export class Authorizer {
  constructor(private readonly acls: Acls = {}) {}

  private entry(user: string | null): UserAcl | undefined {
    return user === null ? undefined : this.acls[user];
  }

  canRead(user: string | null, topic: string): boolean {
    const acl = this.entry(user);
    return !acl || matches(acl.read, topic);
  }

  canWrite(user: string | null, topic: string): boolean {
    const acl = this.entry(user);
    return !acl || matches(acl.write, topic);
  }

  /** Describe (metadata, offsets lookups by admins) follows from read or write. */
  canDescribe(user: string | null, topic: string): boolean {
    return this.canRead(user, topic) || this.canWrite(user, topic);
  }

  canIdempotentWrite(user: string | null): boolean {
    return this.entry(user)?.idempotentWrite !== false;
  }

  canUseGroup(user: string | null, group: string): boolean {
    const acl = this.entry(user);
    return !acl || matches(acl.groups, group);
  }
}
