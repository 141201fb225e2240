/**
 * Queue KPIs over the calls that arrived in one interval, as defined in docs/product.md.
 * The caller selects the calls (by arrival instant and queue); this only does the arithmetic.
 */

export type CallOutcome = 'answered' | 'abandoned' | 'missed' | 'blocked' | 'in_progress';

export interface CallFacts {
  arrivedAt: Date;
  queuedAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  outcome: CallOutcome;
  wrapUpSeconds: number;
}

export interface QueueKpis {
  offered: number;
  answered: number;
  abandoned: number;
  missed: number;
  blocked: number;
  /** abandoned / offered; null when nothing was offered. */
  abandonRate: number | null;
  /** Mean wait of answered calls in seconds; null when none was answered. */
  asa: number | null;
  waitMedian: number | null;
  waitP90: number | null;
  waitMax: number | null;
  /** Mean talk + wrap-up in seconds over answered calls that have ended; null when none has. */
  aht: number | null;
  /** Answered within the threshold / offered; null when nothing was offered. */
  serviceLevel: number | null;
}

/**
 * Nearest-rank percentile: the smallest value such that at least p % of the values are at or
 * below it, i.e. sortedValues[ceil(p/100 · n) − 1], and the minimum for p = 0. It always returns
 * an observed wait, never an interpolated one. `sortedValues` must be ascending; null when empty.
 */
export function percentile(sortedValues: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  if (sortedValues.length === 0) return null;
  // p · n is exact for integral p, so /100 does not push an exact rank past the next integer.
  const rank = Math.max(1, Math.ceil((p * sortedValues.length) / 100));
  return sortedValues[rank - 1];
}

/**
 * Event timestamps come from different sources (PBX, CTI bridge, our server), so a later step
 * can carry a slightly earlier clock; a negative duration is never meaningful, so it counts as 0.
 */
function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, (to.getTime() - from.getTime()) / 1000);
}

/**
 * Counts as answered when the answer instant is known and the call was not closed some other
 * way: an `in_progress` call that is being talked on has been answered already.
 */
function isAnswered(call: CallFacts): call is CallFacts & { answeredAt: Date } {
  return (
    call.answeredAt !== null && (call.outcome === 'answered' || call.outcome === 'in_progress')
  );
}

/** Seconds from queueing (or arrival, if never queued) to answer; null if not answered. */
export function waitSeconds(call: CallFacts): number | null {
  if (!isAnswered(call)) return null;
  return secondsBetween(call.queuedAt ?? call.arrivedAt, call.answeredAt);
}

/** Seconds from answer to end; null while the call is unanswered or still going on. */
export function talkSeconds(call: CallFacts): number | null {
  if (!isAnswered(call) || call.endedAt === null) return null;
  return secondsBetween(call.answeredAt, call.endedAt);
}

function wrapUp(call: CallFacts): number {
  if (!Number.isFinite(call.wrapUpSeconds) || call.wrapUpSeconds < 0) {
    throw new RangeError(`wrapUpSeconds must be a finite number >= 0, got ${call.wrapUpSeconds}`);
  }
  return call.wrapUpSeconds;
}

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

export function queueKpis(calls: readonly CallFacts[], slThresholdSeconds = 20): QueueKpis {
  if (!Number.isFinite(slThresholdSeconds) || slThresholdSeconds < 0) {
    throw new RangeError(
      `slThresholdSeconds must be a finite number >= 0, got ${slThresholdSeconds}`,
    );
  }

  const waits: number[] = [];
  const handles: number[] = [];
  let abandoned = 0;
  let missed = 0;
  let blocked = 0;
  for (const call of calls) {
    if (call.outcome === 'abandoned') abandoned++;
    if (call.outcome === 'missed') missed++;
    if (call.outcome === 'blocked') blocked++;
    const wait = waitSeconds(call);
    if (wait !== null) waits.push(wait);
    // A call still being talked on has no handle time yet; counting its partial talk would
    // drag AHT down while it is live and make the figure change once it ends.
    const talk = talkSeconds(call);
    if (talk !== null) handles.push(talk + wrapUp(call));
  }

  const offered = calls.length;
  waits.sort((a, b) => a - b);
  return {
    offered,
    answered: waits.length,
    abandoned,
    missed,
    blocked,
    abandonRate: share(abandoned, offered),
    asa: mean(waits),
    waitMedian: percentile(waits, 50),
    waitP90: percentile(waits, 90),
    waitMax: waits.length === 0 ? null : waits[waits.length - 1],
    aht: mean(handles),
    serviceLevel: share(waits.filter((wait) => wait <= slThresholdSeconds).length, offered),
  };
}
