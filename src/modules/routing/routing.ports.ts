import type { CallEventType } from '@/modules/calls/call-projection';

/**
 * What routing needs from the calls feature, kept narrow so routing never reaches into how calls
 * are stored: record an event the router produced, and describe a call for an offer.
 */
export interface RouterCallEvent {
  /** Idempotency key of the event, derived from the offer or call it concerns. */
  id: string;
  type: Extract<
    CallEventType,
    'queued' | 'offered' | 'answered' | 'missed' | 'transferred' | 'ended'
  >;
  at: Date;
  agent: string | null;
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

export interface OfferItem {
  id: string;
  callId: string;
  from: string | null;
  queue: string | null;
  priority: number;
  waitingSince: string;
}
