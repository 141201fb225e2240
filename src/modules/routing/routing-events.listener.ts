import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { mergeMap, Subscription } from 'rxjs';
import type { Hearing } from '@/common/events/domain-event-bus';
import { InFlight } from '@/common/lifecycle/in-flight';
import { CallsEventBus, CallDomainEvent } from '@/modules/calls/calls.events';
import { RequestAssignmentEvent, RequestsEventBus } from '@/modules/requests/requests.events';
import { StaffEventBus } from '@/modules/staff/staff.events';
import { RequestRoutingService } from '@/modules/routing/request-routing.service';
import { CallLifecycleService } from '@/modules/routing/call-lifecycle.service';
import { CallRoutingService } from '@/modules/routing/call-routing.service';

/** Telephony and people; the router's own steps (source `system`) are not news to it. */
const OTHERS = ['telephony', 'manual'] as const;

/**
 * The reactions that free people: they must never wait behind calls waiting to be routed. An
 * accepted offer already made its person busy and withdrew the other offers, so only an answer
 * from elsewhere is heard.
 */
const RELEASING: readonly Hearing<CallDomainEvent>[] = [
  { events: ['call.answered'], sources: OTHERS },
  { events: ['call.ended', 'call.abandoned', 'call.missed', 'call.blocked'] },
];

/**
 * The reactions that offer a call. Routing records `queued` itself when nobody could be offered
 * the call: routing it again would only find nobody again. A queue step from telephony is routed.
 */
const ROUTING: readonly Hearing<CallDomainEvent>[] = [
  { events: ['call.arrived', 'call.transferred'] },
  { events: ['call.queued'], sources: OTHERS },
];

/**
 * Routing reacts to the calls and staff features' domain events; it never polls. Handlers run
 * in small pools per process (correctness comes from the database claims, not from ordering
 * here). Releases have a pool of their own: when calls arrive faster than they can be offered,
 * a hang-up queued behind them would keep its agent busy and make the backlog grow further.
 * Call and request events come through the outbox: a reaction that fails throws, so the event's
 * row is delivered again; every reaction re-reads what it acts on and is safe to repeat.
 */
@Injectable()
export class RoutingEventsListener
  implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger('RoutingEvents');
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new InFlight();

  constructor(
    private readonly routing: CallRoutingService,
    private readonly lifecycle: CallLifecycleService,
    private readonly requestRouting: RequestRoutingService,
    private readonly calls: CallsEventBus,
    private readonly staff: StaffEventBus,
    private readonly requests: RequestsEventBus,
  ) {}

  onModuleInit(): void {
    this.subscriptions.push(
      this.calls.react({ hears: RELEASING, concurrency: 8 }, (event) =>
        this.reacting(() => this.onCall(event)),
      ),
      this.calls.react({ hears: ROUTING, concurrency: 8 }, (event) =>
        this.reacting(() => this.onCall(event)),
      ),
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
      this.requests.react(
        { hears: [{ events: ['request.assignment'] }], concurrency: 8 },
        (event) =>
          event.type === 'request.assignment'
            ? this.reacting(() => this.onRequest(event))
            : Promise.resolve(),
      ),
    );
  }

  onModuleDestroy(): void {
    this.subscriptions.forEach((s) => s.unsubscribe());
  }

  /** Reactions under way finish while Redis and the pool are still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.inFlight.settle(5_000);
  }

  private async onCall(event: CallDomainEvent): Promise<void> {
    // History imports and late replays are recorded, but nobody is rung for a call long over;
    // a change delivered late after the call moved on is left to the newer change's reaction.
    if (!event.live || event.superseded === true) return;
    switch (event.type) {
      case 'call.queued':
      case 'call.arrived':
      case 'call.transferred':
        await this.routing.routeCall(event.callId, event.type);
        return;
      case 'call.answered':
        await this.lifecycle.callAnsweredBy(event.callId, event.currentAgentId);
        return;
      case 'call.ended':
      case 'call.abandoned':
      case 'call.missed':
      case 'call.blocked':
        await this.lifecycle.callFinished(event.callId);
        return;
      case 'call.offered':
        return;
    }
  }

  /**
   * An open request nobody holds is offered in its queue; one taken by hand or closed has its
   * pending offers taken back; whoever a change freed may be offered waiting work.
   */
  private async onRequest(event: RequestAssignmentEvent): Promise<void> {
    if (event.status === 'open' && event.assigneeId === null) {
      if (event.queueId !== null) {
        await this.requestRouting.routeRequest(event.requestId, `request.${event.change}`);
      }
    } else if (event.change !== 'created' && event.change !== 'assigned') {
      await this.requestRouting.withdraw(
        event.requestId,
        event.status === 'open' ? 'reassigned' : 'closed',
      );
    }
    if (event.freedUserId !== null) await this.routing.drainWaitingFor(event.freedUserId);
  }

  private async safely(work: () => Promise<unknown>): Promise<void> {
    try {
      await this.reacting(work);
    } catch {
      // logged by reacting
    }
  }

  /** Tracked for shutdown and logged; rethrows so the outbox delivers the event again. */
  private async reacting(work: () => Promise<unknown>): Promise<void> {
    try {
      await this.inFlight.track(work());
    } catch (err) {
      this.logger.error({ err }, 'routing reaction failed');
      throw err;
    }
  }
}
