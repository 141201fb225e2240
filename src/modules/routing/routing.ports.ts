import type { EntityManager } from '@mikro-orm/postgresql';
import type { RouterStepType, StepAgent } from '@/modules/calls/call-steps.service';
import type { OutboxMessage } from '@/outbox/outbox.catalogue';

/**
 * What routing needs from the calls feature, kept narrow so routing never reaches into how calls
 * are stored: record an event the router produced, and describe a call for an offer.
 */
export interface RouterCallEvent {
  /** Idempotency key of the event, derived from the offer or call it concerns. */
  id: string;
  type: RouterStepType;
  at: Date;
  /** The person by user id and username, as routing already read them: no look-up by code. */
  agent: StepAgent | null;
  queue: string | null;
  /** Appended to the call's note together with the event, only if the event is new. */
  note?: string;
}

export abstract class CallLedger {
  /** False when an event with this id was already recorded: nothing changed. */
  abstract recordRouterEvent(callId: string, event: RouterCallEvent): Promise<boolean>;
  abstract describeForOffer(call: OfferedCall): Promise<{ item: OfferItem; dossier: unknown }>;
}

/** The call as routing already read it, so describing it for an offer needs no look-up. */
export interface OfferedCall {
  id: string;
  externalId: string;
  fromNumber: string | null;
  queueCode: string | null;
  priority: number;
  arrivedAt: Date;
  queuedAt: Date | null;
  clientId: string | null;
  contactId: string | null;
}

/** What an offer of a call shows: `callId` is the telephony id the agent's phone knows. */
export interface OfferItem {
  id: string;
  callId: string;
  from: string | null;
  queue: string | null;
  priority: number;
  waitingSince: string;
}

/** What an offer of a request shows; `id` is the request's id. */
export interface RequestOfferItem {
  id: string;
  requestId: string;
  number: number;
  subject: string;
  channel: string;
  /** The caller's number when the request came from a call. */
  from: string | null;
  queue: string | null;
  priority: number;
  waitingSince: string;
}

/** The request as routing already read it, so describing it for an offer needs no look-up. */
export interface OfferedRequest {
  id: string;
  number: number;
  subject: string;
  channel: string;
  fromNumber: string | null;
  queueCode: string | null;
  priority: number;
  createdAt: Date;
  clientId: string | null;
}

/** The change's outbox row, written in routing's transaction and dispatched after its commit. */
export type TakenRequest = OutboxMessage<'request.changed'>;

/**
 * What routing needs from the requests feature: the person who accepts an offer takes the
 * request inside routing's transaction (so the offer and the assignment commit together), and
 * is announced after the commit.
 */
export abstract class RequestDesk {
  /** Null when the request is no longer open and unheld; throws STAFF_AT_CAPACITY when full. */
  abstract takeOffered(
    tx: EntityManager,
    requestId: string,
    userId: string,
  ): Promise<TakenRequest | null>;
  abstract announceTaken(taken: TakenRequest): Promise<void>;
  abstract describeForOffer(
    request: OfferedRequest,
  ): Promise<{ item: RequestOfferItem; dossier: unknown }>;
}
