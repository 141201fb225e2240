import { Injectable } from '@nestjs/common';
import { DomainEventBus } from '@/common/events/domain-event-bus';
import type { StaffState, StaffStatus } from '@/modules/staff/entities/staff-presence.entity';

export interface StaffChanged {
  type: 'staff.changed';
  userId: string;
  status: StaffStatus;
  state: StaffState;
  breakReason: string | null;
  /** True when the person may now be offered work: routing reacts to this. */
  eligible: boolean;
}

/**
 * In-process domain events of the staff feature; routing subscribes instead of calling in. A
 * hint, not a guarantee (no outbox row): the routing recovery sweep covers a lost one.
 */
@Injectable()
export class StaffEventBus extends DomainEventBus<StaffChanged> {}
