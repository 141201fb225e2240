import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { mergeMap, Subscription } from 'rxjs';
import { CallsEventBus, CallDomainEvent } from '@/modules/calls/calls.events';
import { StaffEventBus } from '@/modules/staff/staff.events';
import { RoutingService } from '@/modules/routing/routing.service';

/**
 * Routing reacts to the calls and staff features' domain events; it never polls. Handlers run
 * one after another per process (mergeMap with concurrency 1 would serialise everything, so a
 * small pool is used: correctness comes from the database claims, not from ordering here).
 */
@Injectable()
export class RoutingEventsListener implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RoutingEvents');
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly routing: RoutingService,
    private readonly calls: CallsEventBus,
    private readonly staff: StaffEventBus,
  ) {}

  onModuleInit(): void {
    this.subscriptions.push(
      this.calls.events$
        .pipe(mergeMap((event) => this.safely(() => this.onCall(event)), 8))
        .subscribe(),
      this.staff.events$
        .pipe(
          mergeMap(
            (event) =>
              this.safely(() =>
                event.eligible ? this.routing.drainWaitingFor(event.userId) : Promise.resolve(),
              ),
            8,
          ),
        )
        .subscribe(),
    );
  }

  onModuleDestroy(): void {
    this.subscriptions.forEach((s) => s.unsubscribe());
  }

  private async onCall(event: CallDomainEvent): Promise<void> {
    // History imports and late replays are recorded, but nobody is rung for a call long over.
    if (!event.live) return;
    switch (event.type) {
      case 'call.arrived':
      case 'call.queued':
      case 'call.transferred':
        await this.routing.routeCall(event.callId, event.type);
        return;
      case 'call.answered':
        await this.routing.callAnsweredBy(event.callId, event.currentAgentId);
        return;
      case 'call.ended':
      case 'call.abandoned':
      case 'call.missed':
      case 'call.blocked':
        await this.routing.callFinished(event.callId);
        return;
      case 'call.offered':
        return;
    }
  }

  private async safely(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.logger.error({ err }, 'routing reaction failed');
    }
  }
}
