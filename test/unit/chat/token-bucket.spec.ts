import { KeyedThrottle, TokenBucket } from '@/modules/chat/token-bucket';

describe('TokenBucket', () => {
  it('allows a burst, then refuses until tokens refill at the rate', () => {
    const bucket = new TokenBucket(20, 40, 0);
    const burst = Array.from({ length: 60 }, () => bucket.tryTake(0));
    expect(burst.filter(Boolean)).toHaveLength(40);
    expect(bucket.tryTake(0)).toBe(false);
    // 50 ms at 20/s refills one token.
    expect(bucket.tryTake(50)).toBe(true);
    expect(bucket.tryTake(50)).toBe(false);
  });

  it('sustains the rate but never stores more than the burst', () => {
    const bucket = new TokenBucket(20, 40, 0);
    let allowed = 0;
    for (let t = 0; t < 10_000; t += 10) if (bucket.tryTake(t)) allowed++;
    // 40 up front, then 20 a second for 10 s.
    expect(allowed).toBeGreaterThanOrEqual(238);
    expect(allowed).toBeLessThanOrEqual(241);
    const idle = new TokenBucket(20, 40, 0);
    for (let i = 0; i < 40; i++) idle.tryTake(0);
    const after = Array.from({ length: 100 }, () => idle.tryTake(3_600_000));
    expect(after.filter(Boolean)).toHaveLength(40);
  });

  it('is not fooled by a clock that goes backwards', () => {
    const bucket = new TokenBucket(1, 1, 1000);
    expect(bucket.tryTake(1000)).toBe(true);
    expect(bucket.tryTake(0)).toBe(false);
  });
});

describe('KeyedThrottle', () => {
  it('lets one signal per key through per interval, keys independent', () => {
    const throttle = new KeyedThrottle(2000);
    expect(throttle.allow('a', 0)).toBe(true);
    expect(throttle.allow('a', 1999)).toBe(false);
    expect(throttle.allow('b', 1999)).toBe(true);
    expect(throttle.allow('a', 2000)).toBe(true);
  });
});
