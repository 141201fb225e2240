import { Injectable } from '@nestjs/common';
import { DomainEventBus } from '@/common/events/domain-event-bus';
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
export class StatsEventBus extends DomainEventBus<StatsDomainEvent> {}
