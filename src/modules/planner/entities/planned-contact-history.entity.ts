import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { PlannedContact } from '@/modules/planner/entities/planned-contact.entity';
import { PlannerReason } from '@/modules/planner/entities/planner-reason.entity';
import { User } from '@/modules/staff/entities/user.entity';

export const PLAN_ACTIONS = [
  'created',
  'updated',
  'postponed',
  'done',
  'failed',
  'cancelled',
] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** One step of a planned contact, append-only: every postponement is kept with its reason. */
@Entity({ tableName: 'planned_contact_history' })
export class PlannedContactHistory {
  [OptionalProps]?: 'actor' | 'fromStartsAt' | 'toStartsAt' | 'reason' | 'reasonText' | 'note';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => PlannedContact, { deleteRule: 'cascade' })
  plannedContact!: PlannedContact;

  @Property({ type: 'text' })
  action!: PlanAction;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  actor: User | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  fromStartsAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  toStartsAt: Date | null = null;

  @ManyToOne(() => PlannerReason, { nullable: true, deleteRule: 'set null' })
  reason: PlannerReason | null = null;

  @Property({ type: 'text', nullable: true })
  reasonText: string | null = null;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;
}
