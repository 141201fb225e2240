import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { CALL_EVENT_TYPES, CallEventType } from '@/modules/calls/call-projection';
import type { Call } from '@/modules/calls/entities/call.entity';

export const CALL_EVENT_SOURCES = ['telephony', 'manual', 'system'] as const;
export type CallEventSource = (typeof CALL_EVENT_SOURCES)[number];

/**
 * One step of a call, append-only. The id is the connector's idempotency key (generated for
 * manual and system events), so a replayed event is recognised by its primary key. line, queue
 * and agent are the codes as sent; resolving them to ids is the projection's job.
 */
@Entity({ tableName: 'call_events' })
@Index({ name: 'call_events_call_id_at_index', properties: ['call', 'at'] })
export class CallEvent {
  @PrimaryKey({ type: 'text' })
  id!: string;

  @ManyToOne({ entity: 'Call', deleteRule: 'cascade' })
  call!: Call;

  @Enum({ items: () => CALL_EVENT_TYPES })
  type!: CallEventType;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;

  @Property({ type: 'text', nullable: true })
  line: string | null = null;

  @Property({ type: 'text', nullable: true })
  queue: string | null = null;

  @Property({ type: 'text', nullable: true })
  agent: string | null = null;

  @Property({ type: 'text', nullable: true })
  from: string | null = null;

  @Property({ type: 'text', nullable: true })
  to: string | null = null;

  @Enum({ items: () => CALL_EVENT_SOURCES })
  source!: CallEventSource;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  receivedAt: Date = new Date();
}
