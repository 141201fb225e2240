import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A person's calendar feed token, stored as its SHA-256: one per person, rotated or revoked. */
@Entity({ tableName: 'calendar_feed_tokens' })
export class CalendarFeedToken {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
