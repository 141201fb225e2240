import { Entity, Enum, OneToOne, OptionalProps, Property } from '@mikro-orm/core';
import { User } from '@/modules/staff/entities/user.entity';

export const STAFF_STATUSES = ['offline', 'available', 'break'] as const;
export type StaffStatus = (typeof STAFF_STATUSES)[number];
export const STAFF_STATES = ['idle', 'offered', 'busy', 'wrap_up'] as const;
export type StaffState = (typeof STAFF_STATES)[number];

/**
 * Status is what the person chose; state is derived from their work. Kept apart, as in every
 * mature contact-center, so "available but on a call" needs no special case.
 */
@Entity({ tableName: 'staff_presence' })
export class StaffPresence {
  [OptionalProps]?:
    | 'status'
    | 'breakReason'
    | 'state'
    | 'stateSince'
    | 'idleSince'
    | 'currentCallId'
    | 'callsToday'
    | 'callsTodayDate'
    | 'consecutiveNoAnswers'
    | 'cooldownUntil'
    | 'lastOfferedAt'
    | 'updatedAt';

  @OneToOne(() => User, { primary: true, deleteRule: 'cascade', fieldName: 'user_id' })
  user!: User;

  @Enum({ items: () => STAFF_STATUSES, nativeEnumName: 'staff_status' })
  status: StaffStatus = 'offline';

  @Property({ type: 'text', nullable: true })
  breakReason: string | null = null;

  @Enum({ items: () => STAFF_STATES, nativeEnumName: 'staff_state' })
  state: StaffState = 'idle';

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  stateSince: Date = new Date();

  /**
   * When the person last became free: went available, or finished a call (or its wrap-up).
   * The key of longest-idle routing; a withdrawn or declined offer does not move it.
   */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  idleSince: Date | null = null;

  @Property({ type: 'uuid', nullable: true })
  currentCallId: string | null = null;

  @Property({ type: 'integer' })
  callsToday: number = 0;

  @Property({ type: 'date', nullable: true })
  callsTodayDate: string | null = null;

  @Property({ type: 'integer' })
  consecutiveNoAnswers: number = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  cooldownUntil: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastOfferedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
