import { InFlight } from '@/common/lifecycle/in-flight';

const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('InFlight', () => {
  it('settles after the running work and what it starts meanwhile', async () => {
    const inFlight = new InFlight();
    const done: string[] = [];
    void inFlight.track(
      later(20).then(() => {
        done.push('first');
        void inFlight.track(later(20).then(() => done.push('started by first')));
      }),
    );
    await inFlight.settle(1_000);
    expect(done).toEqual(['first', 'started by first']);
  });

  it('gives up at the timeout when work does not end', async () => {
    const inFlight = new InFlight();
    void inFlight.track(new Promise(() => undefined));
    const started = Date.now();
    await inFlight.settle(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('passes results and errors through to the caller', async () => {
    const inFlight = new InFlight();
    await expect(inFlight.track(Promise.resolve(7))).resolves.toBe(7);
    await expect(inFlight.track(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await inFlight.settle(10);
  });
});
