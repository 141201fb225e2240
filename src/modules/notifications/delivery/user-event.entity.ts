import { BigIntType, Entity, Index, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/**
 * The per-user outbox of the delivery contract: every persisted socket event of a user, in seq
 * order, replayed to a reconnecting client after its `since`. Rows older than the retention
 * (USER_EVENTS_RETENTION_DAYS, 30 by default) are purged by a worker job.
 */
@Entity({ tableName: 'user_events' })
@Index({ properties: ['createdAt'] })
export class UserEvent {
  [PrimaryKeyProp]?: ['userId', 'seq'];

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @PrimaryKey({ type: new BigIntType('number') })
  seq!: number;

  @Property({ type: 'text' })
  name!: string;

  /** The socket payload exactly as pushed live, seq included. */
  @Property({ type: 'json', columnType: 'jsonb' })
  payload!: Record<string, unknown>;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
