import { Injectable } from '@nestjs/common';
import { OnDomainEvent } from '@/common/events/on-domain-event.decorator';
import { CALL_DOMAIN_EVENT_NAMES, CallsEventBus } from '@/modules/calls/calls.events';
import { RecomputeTrigger } from '@/modules/stats/rollups/recompute-trigger.service';

/**
 * Every call change makes its rollup buckets dirty. The bus fires after the change committed,
 * in whichever process made it (API ingest, worker routing); the trigger debounces a burst into
 * one delayed recompute job. Which buckets are dirty is read from the database, not from here.
 * A hint only: a lost one is covered by the recompute that runs every STATS_RECOMPUTE_EVERY_MS.
 */
@Injectable()
export class CallsChangedListener {
  constructor(private readonly trigger: RecomputeTrigger) {}

  @OnDomainEvent(CallsEventBus, { hears: [{ events: CALL_DOMAIN_EVENT_NAMES }], concurrency: 1 })
  onCallChanged(): Promise<void> {
    this.trigger.requestSafely();
    return Promise.resolve();
  }
}
