import { Injectable } from '@nestjs/common';
import { DomainEventBus } from '@/common/events/domain-event-bus';
import type { CallOutcome, CallProjection, CallStatus } from '@/modules/calls/call-projection';
import type { CallEventSource } from '@/modules/calls/entities/call-event.entity';

/** One event per status a call can move into; the name is `call.<status>`. */
export const CALL_DOMAIN_EVENT_NAMES = [
  'call.arrived',
  'call.queued',
  'call.offered',
  'call.answered',
  'call.transferred',
  'call.ended',
  'call.abandoned',
  'call.missed',
  'call.blocked',
] as const satisfies readonly `call.${CallStatus}`[];

export type CallDomainEventName = (typeof CALL_DOMAIN_EVENT_NAMES)[number];

/** What the live console and subscribers need about a call that changed, without a query. */
export interface CallSummary {
  /** calls.id */
  callId: string;
  /** The telephony callId, or `manual:<uuid>`. */
  externalId: string;
  status: CallStatus;
  outcome: CallOutcome;
  queueCode: string | null;
  lineCode: string | null;
  /** The caller's number, E.164 when it is a valid number. */
  from: string | null;
  /** When the call reached this status: the time of its latest event (ISO-8601). */
  at: string;
  arrivedAt: string;
  clientId: string | null;
  /** The person credited with answering (users.id), once the agent code is mapped. */
  answeredById: string | null;
  /** The person on the call now, the agent of its latest answer; differs after a transfer. */
  currentAgentId: string | null;
  priority: number;
}

interface CallChangedOf<N extends CallDomainEventName> extends CallSummary {
  type: N;
  /**
   * False for calls whose latest event is older than the live window (history imports, late
   * replays): record them, but do not ring anybody or flash them on a console.
   */
  live: boolean;
  /** Who recorded the events that made the change: telephony, a person, or our own router. */
  source: CallEventSource;
  /**
   * True only when the outbox delivers the event late and the call has moved on since: the newer
   * change's own event says what to do now, so reactions to the call's current state (routing,
   * the console) skip it, while reactions to the fact (a missed-call alert) still act.
   */
  superseded?: boolean;
}

/** The typed union of call domain events, discriminated by `type`. */
export type CallDomainEvent = { [N in CallDomainEventName]: CallChangedOf<N> }[CallDomainEventName];

export function callEventName(status: CallStatus): CallDomainEventName {
  return `call.${status}`;
}

/** The facts of a call row a summary carries beside its projection. */
export interface CallFacts {
  id: string;
  externalId: string;
  from: string | null;
  clientId: string | null;
  answeredById: string | null;
  currentAgentId: string | null;
  priority: number;
}

/** A call's summary from its row's facts and its projection (ingest and router steps alike). */
export function summaryOf(call: CallFacts, projection: CallProjection): CallSummary {
  return {
    callId: call.id,
    externalId: call.externalId,
    status: projection.status,
    outcome: projection.outcome,
    queueCode: projection.queue,
    lineCode: projection.line,
    from: call.from,
    at: projection.lastEventAt.toISOString(),
    arrivedAt: projection.arrivedAt.toISOString(),
    clientId: call.clientId,
    answeredById: call.answeredById,
    currentAgentId: call.currentAgentId,
    priority: call.priority,
  };
}

/** The `call.<status>` event of a summary; live when its latest event is within the window. */
export function changedEvent(
  summary: CallSummary,
  source: CallEventSource,
  liveSince: number,
): CallDomainEvent {
  return {
    ...summary,
    type: callEventName(summary.status),
    live: Date.parse(summary.at) >= liveSince,
    source,
  };
}

/**
 * In-process domain events of the calls feature, published by the outbox relay after the
 * transaction that changed the call (and wrote the event's outbox row) has committed, so a
 * subscriber (routing) never acts on a row it cannot read yet.
 */
@Injectable()
export class CallsEventBus extends DomainEventBus<CallDomainEvent> {}
