import type { CallEventType } from '@/modules/calls/call-projection';

/**
 * The types a connector may send. `missed` is absent on purpose: it is our router giving up on
 * a waiting caller, never something the PBX observes.
 */
export const TELEPHONY_EVENT_TYPES = [
  'arrived',
  'queued',
  'offered',
  'answered',
  'transferred',
  'abandoned',
  'ended',
  'blocked',
] as const satisfies readonly CallEventType[];

/**
 * What the built-in Asterisk connector and the history import may also record: in observe mode the
 * PBX's queue is the router, and a caller it gives up on (`EXITWITHTIMEOUT`, `EXITEMPTY`,
 * `EXITWITHKEY`) is missed, not abandoned. A connector over HTTP cannot tell us that (it would
 * collide with our own router's `missed`), so the HTTP batch keeps the list above.
 */
export const PBX_EVENT_TYPES = [
  ...TELEPHONY_EVENT_TYPES,
  'missed',
] as const satisfies readonly CallEventType[];

export const MAX_TELEPHONY_BATCH = 5000;

const MAX_ID_LENGTH = 200;
const MAX_CODE_LENGTH = 200;
const MAX_NUMBER_LENGTH = 100;

const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'callId',
  'type',
  'at',
  'line',
  'from',
  'to',
  'queue',
  'agent',
]);

/** A call event from any source, validated, with the call named by its external id. */
export interface IncomingCallEvent {
  id: string;
  /** The telephony callId (or `manual:<uuid>`), i.e. calls.external_id. */
  callId: string;
  type: CallEventType;
  at: Date;
  line: string | null;
  queue: string | null;
  agent: string | null;
  from: string | null;
  to: string | null;
}

export type ParsedTelephonyEvent =
  { ok: true; event: IncomingCallEvent } | { ok: false; id: string | null; reason: string };

/**
 * Date-time with a mandatory offset. Without one the instant would depend on the server's zone,
 * and statistics are cut by instant, so such times are refused rather than guessed.
 */
const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/;

export function parseEventTime(raw: string): Date | null {
  const match = ISO_WITH_OFFSET.exec(raw);
  if (!match) return null;
  const [, year, month, day, hour, minute, second = '00', fraction = '', offset] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  // Date.parse rolls 2024-02-30 over to March; a connector sending that has a bug worth seeing.
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59) return null;
  const offsetMinutes = parseOffset(offset);
  if (offsetMinutes === null) return null;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, millis) - offsetMinutes * 60_000;
  const at = new Date(utc);
  return Number.isNaN(at.getTime()) ? null : at;
}

function parseOffset(offset: string): number | null {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes);
}

/** Control characters in codes would make unmapped codes unreadable in the admin UI. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks one event of a batch. Done by hand rather than by the global ValidationPipe because a
 * batch answers per event: one bad event must be reported, not fail the other 4,999.
 */
export function parseTelephonyEvent(
  raw: unknown,
  types: readonly CallEventType[] = TELEPHONY_EVENT_TYPES,
): ParsedTelephonyEvent {
  if (!isRecord(raw)) return { ok: false, id: null, reason: 'event must be an object' };
  const id = typeof raw.id === 'string' ? raw.id : null;
  const fail = (reason: string): ParsedTelephonyEvent => ({ ok: false, id, reason });

  const unknown = Object.keys(raw).find((key) => !KNOWN_FIELDS.has(key));
  if (unknown !== undefined) return fail(`unknown field '${unknown.slice(0, 50)}'`);

  if (id === null) return fail(`id must be a string of 1-${MAX_ID_LENGTH} characters`);
  if (typeof raw.at !== 'string') return fail('at must be an ISO-8601 date-time with an offset');
  const at = parseEventTime(raw.at);
  if (at === null) {
    return fail(`at '${raw.at.slice(0, 40)}' is not an ISO-8601 date-time with an offset`);
  }
  const checked = checkTelephonyEvent(
    {
      id,
      callId: raw.callId,
      type: raw.type,
      at,
      line: raw.line,
      queue: raw.queue,
      agent: raw.agent,
      from: raw.from,
      to: raw.to,
    },
    types,
  );
  return typeof checked === 'string' ? fail(checked) : { ok: true, event: checked };
}

/** An event's fields before the checks, `at` already a time. */
export interface UncheckedCallEvent {
  id: string;
  callId: unknown;
  type: unknown;
  at: Date;
  line: unknown;
  queue: unknown;
  agent: unknown;
  from: unknown;
  to: unknown;
}

/**
 * The checks of parseTelephonyEvent after the time: the event, or why it is refused. In-process
 * producers (the AMI connector, the history import) call it with a Date and skip formatting
 * and re-parsing one; the check is the same, so a file cannot store what the HTTP ingest would
 * refuse.
 */
export function checkTelephonyEvent(
  raw: UncheckedCallEvent,
  types: readonly CallEventType[] = TELEPHONY_EVENT_TYPES,
): IncomingCallEvent | string {
  const { id, callId, type, at } = raw;
  if (id.length < 1 || id.length > MAX_ID_LENGTH) {
    return `id must be a string of 1-${MAX_ID_LENGTH} characters`;
  }
  if (typeof callId !== 'string' || callId.length < 1 || callId.length > MAX_ID_LENGTH) {
    return `callId must be a string of 1-${MAX_ID_LENGTH} characters`;
  }
  // Manual calls own this namespace; a connector writing into it could alter a receptionist's call.
  if (callId.startsWith('manual:')) return `callId must not start with 'manual:'`;
  if (typeof type !== 'string' || !(types as readonly string[]).includes(type)) {
    return `type must be one of ${types.join(', ')}`;
  }
  // What an ISO-8601 time with a four-digit year can name: the range parseEventTime accepts.
  const year = at.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) {
    return 'at must be an ISO-8601 date-time with an offset';
  }

  const line = code(raw.line, 'line', true);
  if (!line.ok) return line.reason;
  const queue = code(raw.queue, 'queue', false);
  if (!queue.ok) return queue.reason;
  const agent = code(raw.agent, 'agent', false);
  if (!agent.ok) return agent.reason;

  if (typeof raw.from !== 'string' || raw.from.length > MAX_NUMBER_LENGTH) {
    return `from must be a string of at most ${MAX_NUMBER_LENGTH} characters`;
  }
  const to = raw.to;
  if (
    to !== undefined &&
    to !== null &&
    (typeof to !== 'string' || to.length > MAX_NUMBER_LENGTH)
  ) {
    return `to must be a string of at most ${MAX_NUMBER_LENGTH} characters`;
  }

  return {
    id,
    callId,
    type: type as CallEventType,
    at,
    line: line.value,
    queue: queue.value,
    agent: agent.value,
    // An empty caller id is a withheld number: there is nothing to match or display.
    from: raw.from.trim() === '' ? null : raw.from,
    to: typeof to === 'string' && to.trim() !== '' ? to : null,
  };
}

type CodeField = { ok: true; value: string | null } | { ok: false; reason: string };

function code(value: unknown, field: string, required: boolean): CodeField {
  if (value === undefined || value === null) {
    return required ? { ok: false, reason: `${field} is required` } : { ok: true, value: null };
  }
  if (
    typeof value !== 'string' ||
    value.trim().length === 0 ||
    value.length > MAX_CODE_LENGTH ||
    CONTROL_CHARS.test(value)
  ) {
    return {
      ok: false,
      reason: `${field} must be a code of 1-${MAX_CODE_LENGTH} printable characters`,
    };
  }
  return { ok: true, value };
}
