/**
 * The call row is a projection of the call's append-only events. Telephony connectors replay
 * backlogs late, out of order and more than once, and every statistic is computed from the row,
 * so the row is a function of the set of distinct events only: events are deduplicated by id and
 * put in one total order before anything is read from them.
 *
 * - Copies of one id are one event; if a replay changed its content, the copy first in the total
 *   order (then by content) wins, so the row never depends on which copy was delivered first.
 * - Until `arrived` is delivered the call starts at its earliest event, so it exists from its
 *   first event; once `arrived` lands the row is recomputed and matches in-order delivery.
 * - An answer outranks every other outcome: once someone talked to the caller, a router's late
 *   `missed` or a hang-up after a transfer does not undo it for ASA and service level.
 * - A blocked call never got a channel, so the `ended` that follows it is only the disconnect.
 * - Between missed and abandoned (an `ended` without answer is the caller hanging up), the
 *   earlier decides: a missed call that then goes to voicemail or hangs up stays missed, and a
 *   caller who hung up just before the router's limit ran out abandoned.
 * - `ended`, `abandoned` and `blocked` come from telephony and mean the caller is gone: anything
 *   stamped later is clock skew between the PBX and our router and cannot reopen the call, and
 *   the closed status agrees with the outcome. `missed` is our router giving up, not a hang-up:
 *   the caller may still be connected, so a later offer or answer moves the call on, and the call
 *   has no end time while that goes on.
 * - Once answered, router events (`queued`, `offered`, `missed`) stamped later raced the answer
 *   and do not move the call until a transfer starts a new leg.
 * - queuedAt is the first queuing before the first answer: wait measures how long the caller
 *   waited for someone to first pick up, and a re-queue after a transfer is not part of that.
 */

/** In lifecycle order: `compareEvents` uses the position to order events of the same instant. */
export const CALL_EVENT_TYPES = [
  'arrived',
  'queued',
  'offered',
  'answered',
  'transferred',
  'blocked',
  'abandoned',
  'missed',
  'ended',
] as const;

export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

/** line, queue and agent are the codes as telephony sent them, not our ids. */
export interface CallEventFact {
  id: string;
  type: CallEventType;
  at: Date;
  line: string | null;
  queue: string | null;
  agent: string | null;
  from: string | null;
  to: string | null;
}

export type CallStatus =
  | 'arrived'
  | 'queued'
  | 'offered'
  | 'answered'
  | 'transferred'
  | 'ended'
  | 'abandoned'
  | 'missed'
  | 'blocked';

export type CallOutcome = 'in_progress' | 'answered' | 'abandoned' | 'missed' | 'blocked';

export interface CallProjection {
  status: CallStatus;
  outcome: CallOutcome;
  arrivedAt: Date;
  queuedAt: Date | null;
  firstOfferedAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  line: string | null;
  /** The last queue named on any event: a transfer moves the call to the new queue. */
  queue: string | null;
  /** The agent on the first answer, who is credited with the call. */
  answeredBy: string | null;
  /** Whoever the call was last with or ringing at, for the live console. */
  lastAgent: string | null;
  fromNumber: string | null;
  toNumber: string | null;
  transfers: number;
  offers: number;
  eventCount: number;
  lastEventAt: Date;
}

const RANK: ReadonlyMap<CallEventType, number> = new Map(
  CALL_EVENT_TYPES.map((type, index) => [type, index]),
);

const TELEPHONY_CLOSINGS: ReadonlySet<CallEventType> = new Set(['ended', 'abandoned', 'blocked']);
const CLOSINGS: ReadonlySet<CallEventType> = new Set([...TELEPHONY_CLOSINGS, 'missed']);
const CLOSED_STATUSES: ReadonlySet<CallStatus> = new Set([
  'ended',
  'abandoned',
  'missed',
  'blocked',
]);

/** Code-unit order, so the result does not depend on the runtime's locale. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** A copy that names a code sorts first, so a replay that lost a field does not win. */
function compareNullable(a: string | null, b: string | null): number {
  if (a === null || b === null) return (a === null ? 1 : 0) - (b === null ? 1 : 0);
  return compareStrings(a, b);
}

function rankOf(type: CallEventType): number {
  const rank = RANK.get(type);
  if (rank === undefined) throw new RangeError(`unknown call event type "${String(type)}"`);
  return rank;
}

/** Total order over distinct events: time, then lifecycle step, then id. */
export function compareEvents(a: CallEventFact, b: CallEventFact): number {
  const byTime = a.at.getTime() - b.at.getTime();
  if (byTime !== 0) return Math.sign(byTime);
  return rankOf(a.type) - rankOf(b.type) || compareStrings(a.id, b.id);
}

function compareCopies(a: CallEventFact, b: CallEventFact): number {
  return (
    compareEvents(a, b) ||
    compareNullable(a.line, b.line) ||
    compareNullable(a.queue, b.queue) ||
    compareNullable(a.agent, b.agent) ||
    compareNullable(a.from, b.from) ||
    compareNullable(a.to, b.to)
  );
}

function distinctInOrder(events: readonly CallEventFact[]): CallEventFact[] {
  for (const event of events) {
    // An invalid time or type has no place in the order, and a lone event never reaches the
    // comparator, so both are rejected before sorting rather than left to compare as NaN.
    if (Number.isNaN(event.at.getTime())) {
      throw new RangeError(`call event "${event.id}" has an invalid time`);
    }
    rankOf(event.type);
  }
  const seen = new Set<string>();
  return [...events].sort(compareCopies).filter((event) => {
    if (seen.has(event.id)) return false;
    seen.add(event.id);
    return true;
  });
}

function outcomeOf(events: readonly CallEventFact[]): CallOutcome {
  if (events.some((e) => e.type === 'answered')) return 'answered';
  if (events.some((e) => e.type === 'blocked')) return 'blocked';
  const firstClosing = events.find(
    (e) => e.type === 'missed' || e.type === 'abandoned' || e.type === 'ended',
  );
  if (firstClosing === undefined) return 'in_progress';
  return firstClosing.type === 'missed' ? 'missed' : 'abandoned';
}

function closedStatus(outcome: CallOutcome): CallStatus {
  switch (outcome) {
    case 'answered':
      return 'ended';
    case 'blocked':
    case 'missed':
    case 'abandoned':
      return outcome;
    case 'in_progress':
      // Unreachable: a telephony closing always settles the outcome; an unanswered hang-up is
      // an abandon.
      return 'abandoned';
  }
}

function nextStatus(status: CallStatus, type: CallEventType, outcome: CallOutcome): CallStatus {
  switch (type) {
    case 'arrived':
      return status;
    case 'queued':
    case 'offered':
    case 'missed':
      return status === 'answered' ? status : type;
    case 'answered':
    case 'transferred':
      return type;
    case 'ended':
    case 'abandoned':
    case 'blocked':
      return closedStatus(outcome);
  }
}

function statusOf(events: readonly CallEventFact[], outcome: CallOutcome): CallStatus {
  let status: CallStatus = 'arrived';
  for (const event of events) {
    status = nextStatus(status, event.type, outcome);
    if (TELEPHONY_CLOSINGS.has(event.type)) break;
  }
  return status;
}

/** Copies, so a caller mutating a returned Date cannot corrupt the events it came from. */
function timeOf(event: CallEventFact): Date;
function timeOf(event: CallEventFact | undefined): Date | null;
function timeOf(event: CallEventFact | undefined): Date | null {
  return event === undefined ? null : new Date(event.at.getTime());
}

type CodeField = 'line' | 'queue' | 'agent' | 'from' | 'to';

function firstNamed(events: readonly CallEventFact[], field: CodeField): string | null {
  return events.find((e) => e[field] !== null)?.[field] ?? null;
}

function lastNamed(events: readonly CallEventFact[], field: CodeField): string | null {
  return events.findLast((e) => e[field] !== null)?.[field] ?? null;
}

export function projectCall(events: readonly CallEventFact[]): CallProjection {
  if (events.length === 0) throw new RangeError('a call projection needs at least one event');
  const ordered = distinctInOrder(events);
  const first = ordered[0];
  const last = ordered[ordered.length - 1];
  const ofType = (type: CallEventType): CallEventFact[] => ordered.filter((e) => e.type === type);
  const firstOf = (type: CallEventType): CallEventFact | undefined =>
    ordered.find((e) => e.type === type);

  const outcome = outcomeOf(ordered);
  const status = statusOf(ordered, outcome);
  const firstAnswer = firstOf('answered');
  const firstQueuing = ordered.find(
    (e) => e.type === 'queued' && (firstAnswer === undefined || compareEvents(e, firstAnswer) < 0),
  );
  const lastClosing = ordered.findLast((e) => CLOSINGS.has(e.type));

  return {
    status,
    outcome,
    arrivedAt: timeOf(firstOf('arrived') ?? first),
    queuedAt: timeOf(firstQueuing),
    firstOfferedAt: timeOf(firstOf('offered')),
    answeredAt: timeOf(firstAnswer),
    endedAt: CLOSED_STATUSES.has(status) ? timeOf(lastClosing) : null,
    line: firstNamed(ordered, 'line'),
    queue: lastNamed(ordered, 'queue'),
    answeredBy: firstAnswer?.agent ?? null,
    lastAgent: lastNamed(ordered, 'agent'),
    fromNumber: firstNamed(ordered, 'from'),
    toNumber: firstNamed(ordered, 'to'),
    transfers: ofType('transferred').length,
    offers: ofType('offered').length,
    eventCount: ordered.length,
    lastEventAt: timeOf(last),
  };
}

/**
 * `projectCall` of the call's events plus `event`, from the projection of the events alone,
 * when that can be known from the projection: the call is still open (no closing ends its
 * status), `event` sorts after every event so far (strictly later than `lastEventAt`) and is
 * not an `arrived` (which may move `arrivedAt` back). Otherwise null: re-project from all events.
 * Equal to the full projection wherever it answers (test/unit/calls/call-projection.spec.ts).
 */
export function projectNext(prev: CallProjection, event: CallEventFact): CallProjection | null {
  if (CLOSED_STATUSES.has(prev.status) || event.type === 'arrived') return null;
  if (!(event.at.getTime() > prev.lastEventAt.getTime())) return null;
  rankOf(event.type);
  const type = event.type;
  let outcome = prev.outcome;
  if (type === 'answered') outcome = 'answered';
  else if (outcome !== 'answered' && type === 'blocked') outcome = 'blocked';
  else if (
    outcome === 'in_progress' &&
    (type === 'missed' || type === 'abandoned' || type === 'ended')
  )
    outcome = type === 'missed' ? 'missed' : 'abandoned';
  // Open: no telephony closing so far, so the status goes on from where it is.
  const status = nextStatus(prev.status, type, outcome);
  const at = (): Date => new Date(event.at.getTime());
  const copy = (d: Date | null): Date | null => (d === null ? null : new Date(d.getTime()));
  const answered = prev.answeredAt !== null;
  return {
    status,
    outcome,
    arrivedAt: new Date(prev.arrivedAt.getTime()),
    queuedAt: prev.queuedAt === null && !answered && type === 'queued' ? at() : copy(prev.queuedAt),
    firstOfferedAt:
      prev.firstOfferedAt === null && type === 'offered' ? at() : copy(prev.firstOfferedAt),
    answeredAt: !answered && type === 'answered' ? at() : copy(prev.answeredAt),
    endedAt: CLOSED_STATUSES.has(status) ? at() : null,
    line: prev.line ?? event.line,
    queue: event.queue ?? prev.queue,
    answeredBy: answered ? prev.answeredBy : type === 'answered' ? event.agent : null,
    lastAgent: event.agent ?? prev.lastAgent,
    fromNumber: prev.fromNumber ?? event.from,
    toNumber: prev.toNumber ?? event.to,
    transfers: prev.transfers + (type === 'transferred' ? 1 : 0),
    offers: prev.offers + (type === 'offered' ? 1 : 0),
    eventCount: prev.eventCount + 1,
    lastEventAt: at(),
  };
}
