import { DateTime } from 'luxon';
import { AppError } from '@/common/errors/app-error';
import { BucketSize, bucketStarts, isValidZone } from '@/modules/stats/kpi/time-buckets';

export const BUCKET_SIZES: readonly BucketSize[] = ['15m', '1h', '1d', '1w'];

/** Upper bound on buckets in one answer; more is refused rather than truncated. */
export const MAX_REPORT_BUCKETS = 50_000;

const NOMINAL_MS: Record<BucketSize, number> = {
  '15m': 15 * 60_000,
  '1h': 3600_000,
  '1d': 86_400_000,
  '1w': 7 * 86_400_000,
};

export interface RangeInput {
  from: string;
  to: string;
  bucket?: string;
  tz?: string;
}

/** Requested buckets: [starts[i], ends[i]) cut on the wall clock of `tz`. */
export interface ReportRange {
  from: Date;
  to: Date;
  bucket: BucketSize;
  tz: string;
  starts: Date[];
  ends: Date[];
}

function isBucketSize(value: string): value is BucketSize {
  return (BUCKET_SIZES as readonly string[]).includes(value);
}

/**
 * An ISO-8601 instant; one without an offset (`2026-03-29` or `2026-03-29T00:00`) is read as
 * wall-clock time in the requested zone, which is what a supervisor picking a day means.
 */
export function parseInstant(value: string, tz: string, field: string): Date {
  const parsed = DateTime.fromISO(value, { zone: tz });
  if (!parsed.isValid) {
    throw new AppError('VALIDATION_FAILED', `${field} must be an ISO-8601 date or time`, {
      field,
    });
  }
  return parsed.toJSDate();
}

export function resolveZone(tz: string | undefined, defaultZone: string): string {
  const zone = tz ?? defaultZone;
  if (!isValidZone(zone)) {
    throw new AppError('INVALID_TIME_ZONE', `unknown IANA time zone: ${zone}`, { field: 'tz' });
  }
  return zone;
}

/**
 * Validates a report request and cuts it into buckets. Every bucket overlapping [from, to) is
 * reported whole: the first is the one containing `from`.
 */
export function resolveRange(input: RangeInput, defaultZone: string): ReportRange {
  const bucket = input.bucket ?? '1h';
  if (!isBucketSize(bucket)) {
    throw new AppError('INVALID_BUCKET', `bucket must be one of ${BUCKET_SIZES.join(', ')}`, {
      field: 'bucket',
    });
  }
  const tz = resolveZone(input.tz, defaultZone);
  const from = parseInstant(input.from, tz, 'from');
  const to = parseInstant(input.to, tz, 'to');
  if (from.getTime() >= to.getTime()) {
    throw new AppError('INVALID_RANGE', 'from must be before to', { field: 'to' });
  }
  // Checked on the nominal length first, so a century of 15-minute buckets is never generated.
  const tooMany = () =>
    new AppError(
      'TOO_MANY_BUCKETS',
      `more than ${MAX_REPORT_BUCKETS} ${bucket} buckets requested; use a larger bucket or a shorter range`,
      { field: 'bucket' },
    );
  if ((to.getTime() - from.getTime()) / NOMINAL_MS[bucket] > MAX_REPORT_BUCKETS + 2) {
    throw tooMany();
  }
  const starts = bucketStarts(from, to, bucket, tz);
  if (starts.length > MAX_REPORT_BUCKETS) throw tooMany();
  const last = starts[starts.length - 1];
  // The bucket after the last one starts within two nominal lengths, even across a DST change.
  const next = bucketStarts(last, new Date(last.getTime() + 2 * NOMINAL_MS[bucket]), bucket, tz);
  const ends = [...starts.slice(1), next[1]];
  return { from, to, bucket, tz, starts, ends };
}
