import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { NotificationKind } from '@/modules/notifications/notifications.events';

export type KindSettings = Partial<Record<NotificationKind, { inApp: boolean }>>;

/** A person's choices; no row means every kind on and no do-not-disturb. */
@Entity({ tableName: 'notification_settings' })
export class NotificationSetting {
  [OptionalProps]?: 'kinds' | 'doNotDisturbUntil' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'json', columnType: 'jsonb' })
  kinds: KindSettings = {};

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  doNotDisturbUntil: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  updatedAt: Date = new Date();
}
