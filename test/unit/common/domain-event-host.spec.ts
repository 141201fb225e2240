import { MikroORM, RequestContext } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DomainEventBus } from '@/common/events/domain-event-bus';
import { DomainEventHost } from '@/common/events/domain-event-host';
import { OnDomainEvent } from '@/common/events/on-domain-event.decorator';

interface Ev {
  type: 'a' | 'b';
  n: number;
  source?: 'mine' | 'theirs';
}

@Injectable()
class TestBus extends DomainEventBus<Ev> {}

@Injectable()
class Listener {
  readonly seen: string[] = [];
  contexts = 0;

  @OnDomainEvent(TestBus, { hears: [{ events: ['a'], sources: ['theirs'] }], concurrency: 2 })
  onA(event: Ev): Promise<void> {
    if (RequestContext.getEntityManager()) this.contexts += 1;
    this.seen.push(`a${event.n}`);
    return Promise.resolve();
  }

  @OnDomainEvent(TestBus, { hears: [{ events: ['b'] }], concurrency: 1 })
  onB(event: Ev): Promise<void> {
    if (event.n < 0) return Promise.reject(new Error('refused'));
    this.seen.push(`b${event.n}`);
    return Promise.resolve();
  }
}

/** An EntityManager stand-in: RequestContext only forks it and reads its name. */
const em = {
  name: 'default',
  fork(): unknown {
    return em;
  },
};

describe('DomainEventHost', () => {
  async function boot() {
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [TestBus, Listener, DomainEventHost, { provide: MikroORM, useValue: { em } }],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    return { moduleRef, bus: moduleRef.get(TestBus), listener: moduleRef.get(Listener) };
  }

  it('runs each @OnDomainEvent method for what it declares, in its own ORM context', async () => {
    const { moduleRef, bus, listener } = await boot();
    await expect(bus.publish({ type: 'a', n: 1, source: 'theirs' })).resolves.toBe(true);
    await bus.publish({ type: 'a', n: 2, source: 'mine' });
    await bus.publish({ type: 'b', n: 3 });
    expect(listener.seen).toEqual(['a1', 'b3']);
    expect(listener.contexts).toBe(1);
    await moduleRef.close();
  });

  it('reports a failed reaction to the publisher, so the outbox delivers the event again', async () => {
    const { moduleRef, bus } = await boot();
    await expect(bus.publish({ type: 'b', n: -1 })).resolves.toBe(false);
    await moduleRef.close();
  });

  it('stops reacting once the module is closed', async () => {
    const { moduleRef, bus, listener } = await boot();
    await moduleRef.close();
    await expect(bus.publish({ type: 'b', n: 4 })).resolves.toBe(true);
    expect(listener.seen).toEqual([]);
  });
});
