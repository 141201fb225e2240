import { randomUUID } from 'node:crypto';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
} from '@mikro-orm/core';
import type { CallOutcome, CallStatus } from '@/modules/calls/call-projection';
import { Client } from '@/modules/directory/entities/client.entity';
import { ContactPerson } from '@/modules/directory/entities/contact-person.entity';
import { Line } from '@/modules/directory/entities/line.entity';
import { Queue } from '@/modules/directory/entities/queue.entity';
import { User } from '@/modules/staff/entities/user.entity';

export const CALL_SOURCES = ['telephony', 'manual'] as const;
export type CallSource = (typeof CALL_SOURCES)[number];

export const CALL_STATUSES = [
  'arrived',
  'queued',
  'offered',
  'answered',
  'transferred',
  'ended',
  'abandoned',
  'missed',
  'blocked',
] as const satisfies readonly CallStatus[];

export const CALL_OUTCOMES = [
  'in_progress',
  'answered',
  'abandoned',
  'missed',
  'blocked',
] as const satisfies readonly CallOutcome[];

/**
 * One inbound call: the projection of its append-only events (call_events) plus what people add
 * by hand (topic, note, priority, callback). The projection columns are written only by the
 * ingest, always recomputed from every event of the call, so the row does not depend on the order
 * events were delivered in. Codes are kept as telephony sent them next to the ids they resolved
 * to, so an unmapped code is still visible and can be mapped later.
 */
@Entity({ tableName: 'calls' })
@Index({ name: 'calls_arrived_at_index', properties: ['arrivedAt'] })
@Index({ name: 'calls_client_id_arrived_at_index', properties: ['client', 'arrivedAt'] })
@Index({ name: 'calls_queue_id_arrived_at_index', properties: ['queue', 'arrivedAt'] })
@Index({ name: 'calls_line_id_arrived_at_index', properties: ['line', 'arrivedAt'] })
@Index({ name: 'calls_updated_at_index', properties: ['updatedAt'] })
@Index({
  name: 'calls_unfinished_index',
  expression: `create index "calls_unfinished_index" on "calls" ("arrived_at") where "outcome" in ('missed', 'abandoned') and "called_back_at" is null`,
})
export class Call {
  [OptionalProps]?:
    | 'status'
    | 'outcome'
    | 'queuedAt'
    | 'firstOfferedAt'
    | 'answeredAt'
    | 'endedAt'
    | 'lineCode'
    | 'queueCode'
    | 'answeredByCode'
    | 'lastAgentCode'
    | 'fromNumber'
    | 'toNumber'
    | 'transfers'
    | 'offers'
    | 'eventCount'
    | 'line'
    | 'queue'
    | 'answeredBy'
    | 'client'
    | 'contact'
    | 'topic'
    | 'note'
    | 'priority'
    | 'calledBackAt'
    | 'calledBackBy'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** The telephony callId; manual calls get `manual:<uuid>`. */
  @Property({ type: 'text', unique: true })
  externalId!: string;

  @Enum({ items: () => CALL_SOURCES })
  source!: CallSource;

  @Enum({ items: () => CALL_STATUSES, default: 'arrived' })
  status: CallStatus = 'arrived';

  @Enum({ items: () => CALL_OUTCOMES, default: 'in_progress' })
  outcome: CallOutcome = 'in_progress';

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  arrivedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  queuedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  firstOfferedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  answeredAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  endedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  lineCode: string | null = null;

  @Property({ type: 'text', nullable: true })
  queueCode: string | null = null;

  @Property({ type: 'text', nullable: true })
  answeredByCode: string | null = null;

  @Property({ type: 'text', nullable: true })
  lastAgentCode: string | null = null;

  /** E.164 when the caller id is a valid number, otherwise as telephony sent it. */
  @Property({ type: 'text', nullable: true })
  fromNumber: string | null = null;

  @Property({ type: 'text', nullable: true })
  toNumber: string | null = null;

  @Property({ type: 'integer', default: 0 })
  transfers: number = 0;

  @Property({ type: 'integer', default: 0 })
  offers: number = 0;

  @Property({ type: 'integer', default: 0 })
  eventCount: number = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  lastEventAt!: Date;

  @ManyToOne(() => Line, { nullable: true, deleteRule: 'set null' })
  line: Line | null = null;

  @ManyToOne(() => Queue, { nullable: true, deleteRule: 'set null' })
  queue: Queue | null = null;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  answeredBy: User | null = null;

  @ManyToOne(() => Client, { nullable: true, deleteRule: 'set null' })
  client: Client | null = null;

  @ManyToOne(() => ContactPerson, { nullable: true, deleteRule: 'set null' })
  contact: ContactPerson | null = null;

  @Property({ type: 'text', nullable: true })
  topic: string | null = null;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  /** 0..9, higher first: waiting callers are ordered by priority, then waiting time. */
  @Property({ type: 'integer', default: 0 })
  priority: number = 0;

  /** Set when a missed or abandoned call has been returned; it leaves the unfinished list. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  calledBackAt: Date | null = null;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  calledBackBy: User | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
