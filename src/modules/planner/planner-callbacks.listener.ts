import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { CallDomainEvent, CallsEventBus } from '@/modules/calls/calls.events';
import { PlannerService } from '@/modules/planner/planner.service';

/** Callback plans are written a few at a time; a burst of missed calls waits its turn. */
const CONCURRENCY = 4;

/**
 * A live missed call of a client with a curator becomes a planned call back for the curator.
 * The reaction runs from the call's outbox row, so it is delivered again until it succeeded;
 * the plan is unique per call, so a repeat is harmless. A call held for a callback is marked
 * by routing's `callback:<id>` event; its plan is `hold` (the holder gets it when the client
 * has no curator: see CallActionsService).
 */
@Injectable()
export class PlannerCallbacksListener implements OnModuleInit, OnModuleDestroy {
  private subscription?: Subscription;

  constructor(
    private readonly em: EntityManager,
    private readonly calls: CallsEventBus,
    private readonly planner: PlannerService,
  ) {}

  onModuleInit(): void {
    this.subscription = this.calls.react(
      { select: (event) => event.type === 'call.missed' && event.live, concurrency: CONCURRENCY },
      (event) => this.onMissed(event),
    );
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  private async onMissed(event: CallDomainEvent): Promise<void> {
    if (event.clientId === null) return;
    const rows = await this.em
      .fork()
      .execute<{ held: boolean }[]>(
        `select exists (select 1 from call_events where id = ?) as held`,
        [`callback:${event.callId}`],
      );
    await this.planner.planMissedCallback(event.callId, rows[0]?.held ? 'hold' : 'missed', null);
  }
}
