import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import type { StatsThresholdPayload } from '@/modules/stats/dto/live.dto';

export interface StatsThresholdCrossed extends StatsThresholdPayload {
  type: 'stats.threshold';
}

export type StatsDomainEvent = StatsThresholdCrossed;

/**
 * In-process domain events of the stats feature. The live tick runs in the worker, so that is
 * where they fire: the notifications feature subscribes here to alert supervisors rather than
 * stats calling into it.
 */
@Injectable()
export class StatsEventBus {
  private readonly subject = new Subject<StatsDomainEvent>();
  readonly events$: Observable<StatsDomainEvent> = this.subject.asObservable();

  publish(event: StatsDomainEvent): void {
    this.subject.next(event);
  }
}
