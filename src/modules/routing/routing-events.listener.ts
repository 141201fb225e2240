import { Injectable } from '@nestjs/common';
import type { Hearing } from '@/common/events/domain-event-bus';
import { OnDomainEvent } from '@/common/events/on-domain-event.decorator';
import { CallDomainEvent, CallsEventBus } from '@/modules/calls/calls.events';
import { RequestDomainEvent, RequestsEventBus } from '@/modules/requests/requests.events';
import { StaffChanged, StaffEventBus } from '@/modules/staff/staff.events';
import { CallLifecycleService } from '@/modules/routing/call-lifecycle.service';
import { CallRoutingService } from '@/modules/routing/call-routing.service';
import { RequestRoutingService } from '@/modules/routing/request-routing.service';

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
 * Routing reacts to the calls, requests and staff features' domain events; it never polls.
 * Reactions run in small pools per process (correctness comes from the database claims, not
 * from ordering here). Releases have a pool of their own: when calls arrive faster than they can
 * be offered, a hang-up queued behind them would keep its agent busy and make the backlog grow.
 * Call and request events come through the outbox: a reaction that fails throws, so the event's
 * row is delivered again; every reaction re-reads what it acts on and is safe to repeat.
 */
@Injectable()
export class RoutingEventsListener {
  constructor(
    private readonly routing: CallRoutingService,
    private readonly lifecycle: CallLifecycleService,
    private readonly requestRouting: RequestRoutingService,
  ) {}

  @OnDomainEvent(CallsEventBus, { hears: RELEASING, concurrency: 8 })
  async onRelease(event: CallDomainEvent): Promise<void> {
    // A change delivered late after the call moved on is left to the newer change's reaction.
    if (!event.live || event.superseded === true) return;
    if (event.type === 'call.answered') {
      await this.lifecycle.callAnsweredBy(event.callId, event.currentAgentId);
    } else {
      await this.lifecycle.callFinished(event.callId);
    }
  }

  /** History imports and late replays are recorded, but nobody is rung for a call long over. */
  @OnDomainEvent(CallsEventBus, { hears: ROUTING, concurrency: 8 })
  async onWaiting(event: CallDomainEvent): Promise<void> {
    if (!event.live || event.superseded === true) return;
    await this.routing.routeCall(event.callId, event.type);
  }

  @OnDomainEvent(StaffEventBus, { hears: [{ events: ['staff.changed'] }], concurrency: 8 })
  async onStaff(event: StaffChanged): Promise<void> {
    if (event.eligible) await this.routing.drainWaitingFor(event.userId);
  }

  /**
   * An open request nobody holds is offered in its queue; one taken by hand or closed has its
   * pending offers taken back; whoever a change freed may be offered waiting work.
   */
  @OnDomainEvent(RequestsEventBus, { hears: [{ events: ['request.assignment'] }], concurrency: 8 })
  async onRequest(event: RequestDomainEvent): Promise<void> {
    if (event.type !== 'request.assignment') return;
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
}
