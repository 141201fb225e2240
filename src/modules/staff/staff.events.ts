import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
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

/** In-process domain events of the staff feature; routing subscribes instead of calling in. */
@Injectable()
export class StaffEventBus {
  private readonly subject = new Subject<StaffChanged>();
  readonly events$: Observable<StaffChanged> = this.subject.asObservable();

  publish(event: StaffChanged): void {
    this.subject.next(event);
  }
}
