import {
  afterFailure,
  OUTBOX_GRACE_SECONDS,
  OUTBOX_MAX_ATTEMPTS,
  retryDelaySeconds,
} from '@/outbox/outbox-retry';

describe('outbox retry policy', () => {
  it('doubles the wait after each failed attempt, from the grace up to five minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(retryDelaySeconds)).toEqual([5, 10, 20, 40, 80, 160, 300]);
    expect(retryDelaySeconds(1)).toBe(OUTBOX_GRACE_SECONDS);
    expect(retryDelaySeconds(1000)).toBe(300);
  });

  it('refuses an attempt count that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => retryDelaySeconds(bad)).toThrow(RangeError);
    }
  });

  it('retries until the last attempt, then dead-letters', () => {
    expect(afterFailure(1)).toEqual({ kind: 'retry', delaySeconds: 5 });
    expect(afterFailure(OUTBOX_MAX_ATTEMPTS - 1)).toEqual({
      kind: 'retry',
      delaySeconds: retryDelaySeconds(OUTBOX_MAX_ATTEMPTS - 1),
    });
    expect(afterFailure(OUTBOX_MAX_ATTEMPTS)).toEqual({ kind: 'dead' });
    expect(afterFailure(OUTBOX_MAX_ATTEMPTS + 3)).toEqual({ kind: 'dead' });
    expect(afterFailure(2, 2)).toEqual({ kind: 'dead' });
  });
});
