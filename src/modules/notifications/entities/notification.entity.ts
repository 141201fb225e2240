import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { NOTIFICATION_KINDS, NotificationKind } from '@/modules/notifications/notifications.events';

/** One notification for one person; the inbox. */
@Entity({ tableName: 'notifications' })
@Index({ properties: ['userId', 'createdAt', 'id'] })
export class Notification {
  [OptionalProps]?: 'body' | 'data' | 'critical' | 'createdAt' | 'readAt' | 'archivedAt';

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

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  readAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  archivedAt: Date | null = null;

  /** `<sourceId>:<userId>`: a retried fan-out job inserts nothing twice. */
  @Property({ type: 'text', unique: true })
  idempotencyKey!: string;
}
