import { DomainEventBus } from '@/common/events/domain-event-bus';

interface Ev {
  type: 'a' | 'b';
  source?: 'x' | 'y';
  n: number;
}

describe('DomainEventBus', () => {
  it('resolves true at once when nobody reacts', async () => {
    await expect(new DomainEventBus<Ev>().publish({ type: 'a', n: 1 })).resolves.toBe(true);
  });

  it('resolves once every selected reaction has finished, in publish order per pool', async () => {
    const bus = new DomainEventBus<Ev>();
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    bus.react({ select: (e) => e.type === 'a', concurrency: 1 }, async (e) => {
      await gate;
      seen.push(`a${e.n}`);
    });
    bus.react({ concurrency: 4 }, (e) => {
      seen.push(`any${e.n}`);
      return Promise.resolve();
    });
    let settled = false;
    const first = bus.publish({ type: 'a', n: 1 }).then((ok) => {
      settled = true;
      return ok;
    });
    const second = bus.publish({ type: 'b', n: 2 });
    await expect(second).resolves.toBe(true);
    expect(settled).toBe(false);
    release();
    await expect(first).resolves.toBe(true);
    expect(seen).toEqual(['any1', 'any2', 'a1']);
  });

  it('resolves false when one reaction failed, after the others finished', async () => {
    const bus = new DomainEventBus<Ev>();
    const done: number[] = [];
    bus.react({ concurrency: 2 }, () => Promise.reject(new Error('boom')));
    bus.react({ concurrency: 2 }, async (e) => {
      await Promise.resolve();
      done.push(e.n);
    });
    await expect(bus.publish({ type: 'a', n: 7 })).resolves.toBe(false);
    expect(done).toEqual([7]);
  });

  it('hands every event to plain subscribers, without waiting for them', async () => {
    const bus = new DomainEventBus<Ev>();
    const hints: number[] = [];
    const sub = bus.events$.subscribe((e) => hints.push(e.n));
    await bus.publish({ type: 'b', n: 3 });
    sub.unsubscribe();
    await bus.publish({ type: 'b', n: 4 });
    expect(hints).toEqual([3]);
  });

  it('stops counting a reaction once it is unsubscribed', async () => {
    const bus = new DomainEventBus<Ev>();
    const sub = bus.react({ concurrency: 1 }, () => new Promise<void>(() => undefined));
    sub.unsubscribe();
    await expect(bus.publish({ type: 'a', n: 1 })).resolves.toBe(true);
  });

  it('runs a reaction only for the events and sources it declares it hears', async () => {
    const bus = new DomainEventBus<Ev>();
    const heard: string[] = [];
    bus.react(
      { hears: [{ events: ['a'], sources: ['x'] }, { events: ['b'] }], concurrency: 2 },
      (e) => {
        heard.push(`${e.type}${e.n}`);
        return Promise.resolve();
      },
    );
    await bus.publish({ type: 'a', n: 1, source: 'x' });
    await expect(bus.publish({ type: 'a', n: 2, source: 'y' })).resolves.toBe(true);
    await bus.publish({ type: 'b', n: 3, source: 'y' });
    await bus.publish({ type: 'a', n: 4 });
    expect(heard).toEqual(['a1', 'b3']);
  });
});
