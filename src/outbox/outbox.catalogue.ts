import { randomUUID } from 'node:crypto';
import type { CallDomainEvent } from '@/modules/calls/calls.events';
import type { RequestChanged } from '@/modules/requests/requests.events';
import type { CallCalledBack, CallHeld, PlannerChanged } from '@/modules/planner/planner.events';

/**
 * Every outbox topic and its payload, in one place. A row is written in the transaction of the
 * change it follows and delivered after the commit by the relay (outbox.relay.ts); each topic
 * has exactly one handler, registered by the feature that owns the change, and boot fails
 * without it.
 */
export interface OutboxPayloads {
  /** A call's status changed: console delta, routing and alert reactions (calls feature). */
  'call.changed': CallDomainEvent;
  /** A request was created, advanced, reassigned or taken: delta, routing, overdue job, assignee. */
  'request.changed': RequestChanged;
  /** A broadcast was stored: its first round of notifications and its reminder. */
  'broadcast.created': { broadcastId: string };
  /** A planned contact was created or moved: its delta, reminder and overdue jobs (planner). */
  'planner.changed': PlannerChanged;
  /** A missed call was marked called back: the planner closes its callback plan. */
  'call.called-back': CallCalledBack;
  /** A waiting call is being held for a callback: the planner plans the call back. */
  'call.held': CallHeld;
}
export type OutboxTopic = keyof OutboxPayloads;

export const OUTBOX_TOPICS: readonly OutboxTopic[] = [
  'call.changed',
  'request.changed',
  'broadcast.created',
  'planner.changed',
  'call.called-back',
  'call.held',
] as const satisfies readonly OutboxTopic[];

/** One row of the outbox; `id` is what consumers de-duplicate by when they need more than that. */
export type OutboxMessage<T extends OutboxTopic = OutboxTopic> = {
  [K in T]: { id: string; topic: K; payload: OutboxPayloads[K] };
}[T];

export function outboxMessage<T extends OutboxTopic>(
  topic: T,
  payload: OutboxPayloads[T],
): OutboxMessage<T> {
  return { id: randomUUID(), topic, payload };
}

/** How a handler is called: live right after the commit, or late by the relay's sweep. */
export interface OutboxDelivery {
  /** False on the live path; true when the sweep delivers a row the live path did not finish. */
  redelivery: boolean;
  /** 1 on the live path; the sweep's attempt number otherwise. */
  attempt: number;
}
