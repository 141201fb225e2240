/** Rollups are kept per 15-minute bucket aligned on the UTC epoch. */
export const ROLLUP_BUCKET_MS = 15 * 60_000;
export const ROLLUP_BUCKET_SECONDS = ROLLUP_BUCKET_MS / 1000;

/** A half-open run of whole rollup buckets, [start, end). */
export interface BucketRange {
  start: Date;
  end: Date;
}

export function rollupBucketOf(instant: Date): Date {
  const ms = instant.getTime();
  return new Date(Math.floor(ms / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS);
}

/**
 * The rollup buckets [from, to) touches, as one range: `from` rounds down and `to` up, so a
 * rebuild of any instant range rewrites every bucket that range can contribute to.
 */
export function coveringRange(from: Date, to: Date): BucketRange {
  const start = rollupBucketOf(from);
  const endMs = Math.ceil(to.getTime() / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
  return { start, end: new Date(Math.max(endMs, start.getTime())) };
}

/**
 * Merges bucket starts (any order, duplicates allowed) into the fewest disjoint ranges. SQL
 * then reads calls per range with an index range scan, instead of testing every call against
 * a long list of buckets.
 */
export function mergeBuckets(bucketStarts: readonly Date[]): BucketRange[] {
  const sorted = [...new Set(bucketStarts.map((b) => rollupBucketOf(b).getTime()))].sort(
    (a, b) => a - b,
  );
  const ranges: BucketRange[] = [];
  let start = NaN;
  let end = NaN;
  for (const ms of sorted) {
    if (ms === end) {
      end += ROLLUP_BUCKET_MS;
      continue;
    }
    if (!Number.isNaN(start)) ranges.push({ start: new Date(start), end: new Date(end) });
    start = ms;
    end = ms + ROLLUP_BUCKET_MS;
  }
  if (!Number.isNaN(start)) ranges.push({ start: new Date(start), end: new Date(end) });
  return ranges;
}

/** Splits a range into consecutive chunks of at most `chunkBuckets` buckets (rebuild progress). */
export function chunkRange(range: BucketRange, chunkBuckets: number): BucketRange[] {
  if (!Number.isInteger(chunkBuckets) || chunkBuckets < 1) {
    throw new RangeError(`chunkBuckets must be a positive integer, got ${chunkBuckets}`);
  }
  const step = chunkBuckets * ROLLUP_BUCKET_MS;
  const chunks: BucketRange[] = [];
  for (let ms = range.start.getTime(); ms < range.end.getTime(); ms += step) {
    chunks.push({ start: new Date(ms), end: new Date(Math.min(ms + step, range.end.getTime())) });
  }
  return chunks;
}
