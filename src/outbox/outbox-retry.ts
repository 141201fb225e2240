/**
 * The relay's retry policy, pure. A row the live path did not deliver is left alone for
 * `OUTBOX_GRACE_SECONDS` (the live dispatch may still be running), then the sweep tries it; each
 * failed attempt waits twice as long as the one before, up to five minutes; after
 * `OUTBOX_MAX_ATTEMPTS` the row is dead-lettered: kept, logged, counted in /api/health.
 */
export const OUTBOX_GRACE_SECONDS = 5;
export const OUTBOX_MAX_ATTEMPTS = 10;
/** A claimed row is invisible to other sweeps this long: a sweeper killed mid-row is retried. */
export const OUTBOX_LEASE_SECONDS = 60;
/** Dead letters are kept this long for an operator to read, then purged. */
export const OUTBOX_DEAD_RETENTION_DAYS = 7;
const MAX_DELAY_SECONDS = 300;

/** Seconds before the next attempt after `attempts` failed ones (1 → 5 s, 2 → 10 s, …, ≤ 300 s). */
export function retryDelaySeconds(attempts: number): number {
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`attempts must be a positive integer, got ${attempts}`);
  }
  return Math.min(MAX_DELAY_SECONDS, OUTBOX_GRACE_SECONDS * 2 ** Math.min(attempts - 1, 16));
}

export type AttemptOutcome = { kind: 'retry'; delaySeconds: number } | { kind: 'dead' };

/** What happens to a row whose delivery just failed for the `attempts`-th time. */
export function afterFailure(attempts: number, maxAttempts = OUTBOX_MAX_ATTEMPTS): AttemptOutcome {
  return attempts >= maxAttempts
    ? { kind: 'dead' }
    : { kind: 'retry', delaySeconds: retryDelaySeconds(attempts) };
}
