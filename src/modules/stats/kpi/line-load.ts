/**
 * Load on a line over [t0, t1): traffic in Erlangs and peak concurrency. Unlike the call
 * counts, these are split across intervals by time, so each call is clipped to the interval.
 */

/** The line is occupied over [start, end); a call still in progress is passed with end = now. */
export interface Occupation {
  start: Date;
  end: Date;
}

interface Span {
  start: number;
  end: number;
}

function intervalMs(t0: Date, t1: Date): Span {
  const start = t0.getTime();
  const end = t1.getTime();
  if (Number.isNaN(start) || Number.isNaN(end))
    throw new RangeError('t0 and t1 must be valid Dates');
  if (end <= start) throw new RangeError('t1 must be after t0');
  return { start, end };
}

function spanOf(occupation: Occupation): Span {
  const start = occupation.start.getTime();
  const end = occupation.end.getTime();
  if (Number.isNaN(start) || Number.isNaN(end)) {
    throw new RangeError('occupation start and end must be valid Dates');
  }
  if (end < start) {
    throw new RangeError(
      `occupation ends before it starts: ${occupation.start.toISOString()} > ${occupation.end.toISOString()}`,
    );
  }
  return { start, end };
}

export function occupiedSeconds(occupations: readonly Occupation[], t0: Date, t1: Date): number {
  const interval = intervalMs(t0, t1);
  let totalMs = 0;
  for (const occupation of occupations) {
    const span = spanOf(occupation);
    totalMs += Math.max(0, Math.min(span.end, interval.end) - Math.max(span.start, interval.start));
  }
  return totalMs / 1000;
}

export function trafficErlangs(occupations: readonly Occupation[], t0: Date, t1: Date): number {
  const interval = intervalMs(t0, t1);
  return occupiedSeconds(occupations, t0, t1) / ((interval.end - interval.start) / 1000);
}

type EventKind = 'end' | 'start' | 'pointStart' | 'pointEnd';

/** Order of events that share an instant; see peakConcurrency. */
const EVENT_ORDER: Record<EventKind, number> = { end: 0, start: 1, pointStart: 2, pointEnd: 3 };

/**
 * The most occupations active at one instant of [t0, t1). A call occupies [start, end), so one
 * ending at t and another starting at t never overlap. A zero-length call still happened: it
 * occupies its own instant and counts there on top of the calls active at that instant.
 */
export function peakConcurrency(occupations: readonly Occupation[], t0: Date, t1: Date): number {
  const interval = intervalMs(t0, t1);
  const events: Array<[number, EventKind]> = [];
  for (const occupation of occupations) {
    const span = spanOf(occupation);
    if (span.start === span.end) {
      if (span.start >= interval.start && span.start < interval.end) {
        events.push([span.start, 'pointStart'], [span.start, 'pointEnd']);
      }
    } else if (span.start < interval.end && span.end > interval.start) {
      events.push(
        [Math.max(span.start, interval.start), 'start'],
        [Math.min(span.end, interval.end), 'end'],
      );
    }
  }
  events.sort((a, b) => a[0] - b[0] || EVENT_ORDER[a[1]] - EVENT_ORDER[b[1]]);

  let active = 0;
  let peak = 0;
  for (const [, kind] of events) {
    if (kind === 'start' || kind === 'pointStart') {
      active++;
      peak = Math.max(peak, active);
    } else {
      active--;
    }
  }
  return peak;
}
