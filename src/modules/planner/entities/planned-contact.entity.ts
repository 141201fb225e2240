import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Call } from '@/modules/calls/entities/call.entity';
import { Client } from '@/modules/directory/entities/client.entity';
import { ContactPerson } from '@/modules/directory/entities/contact-person.entity';
import { PlannerReason } from '@/modules/planner/entities/planner-reason.entity';
import { RequestStage } from '@/modules/requests/entities/request-stage.entity';
import { Request } from '@/modules/requests/entities/request.entity';
import { User } from '@/modules/staff/entities/user.entity';

export const PLANNED_KINDS = ['call', 'meeting', 'task', 'email'] as const;
export type PlannedKind = (typeof PLANNED_KINDS)[number];

export const PLANNED_STATUSES = ['planned', 'postponed', 'done', 'failed', 'cancelled'] as const;
export type PlannedStatus = (typeof PLANNED_STATUSES)[number];

/** Where a plan came from: by hand, a call ("plan a call back"), a held or missed call, a request. */
export const PLANNED_ORIGINS = ['manual', 'call', 'hold', 'missed', 'request', 'planned'] as const;
export type PlannedOrigin = (typeof PLANNED_ORIGINS)[number];

/**
 * A contact or task a person plans with a client: a call back at 15:00, a meeting on Thursday, a
 * contract to send. `dueAt` is when it should be finished (the end of a call's or meeting's
 * window, a task's due time); `firstDueAt` keeps the first plan so postponements show as delay.
 */
@Entity({ tableName: 'planned_contacts' })
export class PlannedContact {
  [OptionalProps]?:
    | 'client'
    | 'contact'
    | 'note'
    | 'durationMinutes'
    | 'status'
    | 'origin'
    | 'followsCall'
    | 'followsRequest'
    | 'followsRequestStage'
    | 'followsPlanned'
    | 'resultCall'
    | 'reason'
    | 'reasonText'
    | 'postponeCount'
    | 'closedAt'
    | 'createdBy'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  assignee!: User;

  @ManyToOne(() => Client, { nullable: true, deleteRule: 'set null' })
  client: Client | null = null;

  @ManyToOne(() => ContactPerson, { nullable: true, deleteRule: 'set null' })
  contact: ContactPerson | null = null;

  @Enum({ items: () => PLANNED_KINDS })
  kind!: PlannedKind;

  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  /** The planned start; for a task, its due time. */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  startsAt!: Date;

  /** Calls and meetings; null for tasks and e-mails, which are due at `startsAt`. */
  @Property({ type: 'integer', nullable: true })
  durationMinutes: number | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  dueAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  firstDueAt!: Date;

  @Enum({ items: () => PLANNED_STATUSES, default: 'planned' })
  status: PlannedStatus = 'planned';

  @Enum({ items: () => PLANNED_ORIGINS, default: 'manual' })
  origin: PlannedOrigin = 'manual';

  @ManyToOne(() => Call, { nullable: true, deleteRule: 'set null' })
  followsCall: Call | null = null;

  @ManyToOne(() => Request, { nullable: true, deleteRule: 'set null' })
  followsRequest: Request | null = null;

  /** The request stage it was planned in (with `followsRequest`, that stage's request). */
  @ManyToOne(() => RequestStage, { nullable: true, deleteRule: 'set null' })
  followsRequestStage: RequestStage | null = null;

  @ManyToOne(() => PlannedContact, { nullable: true, deleteRule: 'set null' })
  followsPlanned: PlannedContact | null = null;

  /** The real call that did a planned call. */
  @ManyToOne(() => Call, { nullable: true, deleteRule: 'set null' })
  resultCall: Call | null = null;

  /** The latest postponement's or the failure's reason. */
  @ManyToOne(() => PlannerReason, { nullable: true, deleteRule: 'set null' })
  reason: PlannerReason | null = null;

  @Property({ type: 'text', nullable: true })
  reasonText: string | null = null;

  @Property({ type: 'integer', default: 0 })
  postponeCount: number = 0;

  /** When it was done, failed or cancelled. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  closedAt: Date | null = null;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  createdBy: User | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
