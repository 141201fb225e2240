import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { NOTIFICATION_KINDS, NotificationKind } from '@/modules/notifications/notifications.events';

/** One notification for one person; the inbox. */
@Entity({ tableName: 'notifications' })
@Index({ properties: ['userId', 'createdAt', 'id'] })
export class Notification {
  [OptionalProps]?:
    | 'body'
    | 'data'
    | 'critical'
    | 'createdAt'
    | 'readAt'
    | 'archivedAt'
    | 'remindCount'
    | 'remindedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  userId!: string;

  @Enum({ items: () => NOTIFICATION_KINDS, type: 'text' })
  kind!: NotificationKind;

  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'text' })
  body: string = '';

  @Property({ type: 'json', columnType: 'jsonb' })
  data: Record<string, unknown> = {};

  @Property({ type: 'boolean' })
  critical: boolean = false;

  /** When it was last sent: a reminder brings it back to the top of the inbox. */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  /** Reminder rounds that re-surfaced this notification (broadcasts awaiting acknowledgement). */
  @Property({ type: 'integer' })
  remindCount: number = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  remindedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  readAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  archivedAt: Date | null = null;

  /** `<sourceId>:<userId>`: a retried fan-out job inserts nothing twice. */
  @Property({ type: 'text', unique: true })
  idempotencyKey!: string;
}
