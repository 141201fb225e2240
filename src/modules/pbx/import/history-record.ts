import type { CallEventType } from '@/modules/calls/call-projection';
import {
  checkTelephonyEvent,
  IncomingCallEvent,
  PBX_EVENT_TYPES,
} from '@/modules/calls/telephony-event';
import { pbxEventId } from '@/modules/pbx/pbx-names';

/** What one line or row of a history file amounts to. */
export type MappedRecord =
  | { kind: 'events'; events: IncomingCallEvent[]; newCalls: number }
  | { kind: 'ignored' }
  | { kind: 'rejected'; reason: string };

/** A row turned into events, for one file format. */
export interface HistoryMapper<R> {
  map(record: R): MappedRecord;
  /** Events only known once the input is over (calls whose last step was a transfer). */
  finish(): IncomingCallEvent[];
}

export interface EventDraft {
  callId: string;
  type: CallEventType;
  at: Date;
  line: string;
  queue: string | null;
  agent: string | null;
  from: string | null;
  to?: string | null;
}

export class RecordError extends Error {}

/**
 * An event with its deterministic id, checked exactly as a `POST /api/telephony/events` event is
 * (lengths, control characters, the call id namespace), so a file cannot store what the HTTP
 * ingest would refuse.
 */
export function pbxEvent(draft: EventDraft): IncomingCallEvent {
  if (Number.isNaN(draft.at.getTime())) throw new RecordError(`${draft.type} has no valid time`);
  const checked = checkTelephonyEvent(
    {
      id: pbxEventId(draft.callId, draft.type, draft.at, draft.agent),
      callId: draft.callId,
      type: draft.type,
      at: draft.at,
      line: draft.line,
      queue: draft.queue,
      agent: draft.agent,
      from: draft.from ?? '',
      to: draft.to ?? null,
    },
    PBX_EVENT_TYPES,
  );
  if (typeof checked === 'string') throw new RecordError(checked);
  return checked;
}

/** A number of seconds or milliseconds from a data field, or null when it is not one. */
export function amount(raw: string | undefined): number | null {
  if (raw === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(raw)) return null;
  return Number(raw);
}

export function before(at: Date, ms: number | null): Date {
  return ms === null ? at : new Date(at.getTime() - ms);
}
