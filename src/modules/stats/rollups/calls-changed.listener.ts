import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { CallsEventBus } from '@/modules/calls/calls.events';
import { RecomputeTrigger } from '@/modules/stats/rollups/recompute-trigger.service';

/**
 * Every call change makes its rollup buckets dirty. The bus fires after the change committed,
 * in whichever process made it (API ingest, worker routing); the trigger debounces a burst into
 * one delayed recompute job. Which buckets are dirty is read from the database, not from here.
 */
@Injectable()
export class CallsChangedListener implements OnModuleInit, OnModuleDestroy {
  private subscription?: Subscription;

  constructor(
    private readonly calls: CallsEventBus,
    private readonly trigger: RecomputeTrigger,
  ) {}

  onModuleInit(): void {
    this.subscription = this.calls.events$.subscribe(() => this.trigger.requestSafely());
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
