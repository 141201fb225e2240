import { IANAZone } from 'luxon';

/**
 * Report intervals cut on the wall clock of an IANA zone. Instants are UTC `Date`s; buckets are
 * half-open [start, next start). Wall-clock buckets are not all the same length: a day is 23 or
 * 25 hours on DST change days, and the repeated hour of an autumn change is two 1h buckets.
 */
export type BucketSize = '15m' | '1h' | '1d' | '1w';

/** Upper bound on buckets per request; a year of 15-minute buckets is 35 040. */
export const MAX_BUCKETS = 100_000;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const NOMINAL_MS: Record<BucketSize, number> = {
  '15m': 15 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '1d': DAY_MS,
  '1w': 7 * DAY_MS,
};

/**
 * Buckets of the same nominal length checked with one zone lookup: offsets never change and
 * change back within a day, so an unchanged offset a day later means no change in between.
 */
const RUN_LENGTH: Record<BucketSize, number> = { '15m': 96, '1h': 24, '1d': 1, '1w': 1 };

/** Validating a zone name costs ~0.1 ms; only real names are remembered, so this stays small. */
const knownZones = new Set<string>();

export function isValidZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  if (!IANAZone.isValidZone(zone)) return false;
  knownZones.add(zone);
  return true;
}

function zoneOf(zone: string): IANAZone {
  if (!isValidZone(zone)) throw new RangeError(`unknown IANA time zone: ${zone}`);
  return IANAZone.create(zone);
}

function instantMs(name: string, date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is an invalid Date`);
  return ms;
}

function offsetMs(zone: IANAZone, ms: number): number {
  return zone.offset(ms) * MINUTE_MS;
}

/** Wall-clock time encoded as if it were UTC, so plain arithmetic can floor it. */
function wallMs(zone: IANAZone, ms: number): number {
  return ms + offsetMs(zone, ms);
}

function floorWall(wall: number, bucket: BucketSize): number {
  switch (bucket) {
    case '15m':
    case '1h':
      return Math.floor(wall / NOMINAL_MS[bucket]) * NOMINAL_MS[bucket];
    case '1d':
      return Math.floor(wall / DAY_MS) * DAY_MS;
    case '1w': {
      const day = Math.floor(wall / DAY_MS) * DAY_MS;
      const daysSinceMonday = (new Date(day).getUTCDay() + 6) % 7;
      return day - daysSinceMonday * DAY_MS;
    }
  }
}

/**
 * The instant at or before `ms` when the wall clock read `wall`. A wall time repeated by an
 * autumn change resolves to the occurrence the instant belongs to, which is what splits the
 * repeated hour into two buckets; one skipped by a spring change (midnight in zones that
 * switch at 00:00) resolves to the change itself, the first instant of the bucket.
 */
function resolveWall(zone: IANAZone, wall: number, ms: number): number {
  const offsetNow = offsetMs(zone, ms);
  const sameOffset = wall - offsetNow;
  const offsetThen = offsetMs(zone, sameOffset);
  if (offsetThen === offsetNow) return sameOffset;
  const otherOffset = wall - offsetThen;
  if (offsetMs(zone, otherOffset) === offsetThen) return otherOffset;

  let before = Math.min(sameOffset, otherOffset);
  let after = Math.max(sameOffset, otherOffset);
  while (after - before > 1) {
    const mid = Math.floor((before + after) / 2);
    if (wallMs(zone, mid) >= wall) after = mid;
    else before = mid;
  }
  return after;
}

function bucketStartMs(zone: IANAZone, ms: number, bucket: BucketSize): number {
  return resolveWall(zone, floorWall(wallMs(zone, ms), bucket), ms);
}

/** Found by bisection: buckets next to an offset change are not of the nominal length. */
function nextIrregularStartMs(zone: IANAZone, start: number, bucket: BucketSize): number {
  const nominal = NOMINAL_MS[bucket];
  let after = start + nominal;
  while (bucketStartMs(zone, after, bucket) <= start) after += nominal;
  let before = start;
  while (after - before > 1) {
    const mid = Math.floor((before + after) / 2);
    if (bucketStartMs(zone, mid, bucket) > start) after = mid;
    else before = mid;
  }
  return after;
}

/** Start of the bucket containing `instant`. */
export function bucketOf(instant: Date, bucket: BucketSize, zone: string): Date {
  return new Date(bucketStartMs(zoneOf(zone), instantMs('instant', instant), bucket));
}

/** Starts of every bucket overlapping [from, to), the first being the one containing `from`. */
export function bucketStarts(from: Date, to: Date, bucket: BucketSize, zone: string): Date[] {
  const tz = zoneOf(zone);
  const fromMs = instantMs('from', from);
  const toMs = instantMs('to', to);
  if (toMs < fromMs) throw new RangeError('to must not be before from');

  const nominal = NOMINAL_MS[bucket];
  if ((toMs - fromMs) / nominal > MAX_BUCKETS) {
    throw new RangeError(`more than ${MAX_BUCKETS} ${bucket} buckets requested`);
  }

  const starts: Date[] = [];
  if (toMs === fromMs) return starts;
  let start = bucketStartMs(tz, fromMs, bucket);
  let startOffset = offsetMs(tz, start);
  while (start < toMs) {
    const startWall = start + startOffset;
    let run = 0;
    if (floorWall(startWall, bucket) === startWall) {
      run = Math.min(RUN_LENGTH[bucket], Math.ceil((toMs - start) / nominal));
      if (offsetMs(tz, start + run * nominal) !== startOffset) {
        run = offsetMs(tz, start + nominal) === startOffset ? 1 : 0;
      }
    }
    if (starts.length + Math.max(run, 1) > MAX_BUCKETS) {
      throw new RangeError(`more than ${MAX_BUCKETS} ${bucket} buckets requested`);
    }
    if (run > 0) {
      for (let i = 0; i < run; i++) starts.push(new Date(start + i * nominal));
      start += run * nominal;
    } else {
      starts.push(new Date(start));
      start = nextIrregularStartMs(tz, start, bucket);
      startOffset = offsetMs(tz, start);
    }
  }
  return starts;
}
