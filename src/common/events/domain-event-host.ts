import { MikroORM, RequestContext } from '@mikro-orm/core';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import { Subscription } from 'rxjs';
import {
  DOMAIN_EVENT_METADATA,
  DomainEventSubscription,
} from '@/common/events/on-domain-event.decorator';
import { InFlight } from '@/common/lifecycle/in-flight';

type Reaction = (event: { type: string }) => Promise<unknown>;

/**
 * The one way reactions to domain events are wired: finds every @OnDomainEvent method at module
 * init (before the outbox starts dispatching), subscribes it to its bus with its declared
 * events, sources and pool, and runs each reaction in its own MikroORM context. Failures are
 * logged and rethrown to the bus (the outbox keeps the event's row); reactions under way are
 * awaited at shutdown, while Redis and the pool are still open.
 */
@Injectable()
export class DomainEventHost implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('DomainEvents');
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new InFlight();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly modules: ModuleRef,
    private readonly orm: MikroORM,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const declared = Reflect.getMetadata(DOMAIN_EVENT_METADATA, fn) as
          DomainEventSubscription[] | undefined;
        for (const { bus, options } of declared ?? []) {
          const name = `${wrapper.name}.${method}`;
          const reaction = (fn as Reaction).bind(instance);
          this.subscriptions.push(
            this.modules
              .get(bus, { strict: false })
              .react(options, (event) => this.run(name, reaction, event)),
          );
        }
      }
    }
  }

  onModuleDestroy(): void {
    this.subscriptions.forEach((s) => s.unsubscribe());
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.inFlight.settle(5_000);
  }

  private async run(name: string, reaction: Reaction, event: { type: string }): Promise<void> {
    try {
      await this.inFlight.track(RequestContext.create(this.orm.em, () => reaction(event)));
    } catch (err) {
      this.logger.error(
        {
          err: err instanceof Error ? err.message : String(err),
          reaction: name,
          event: event.type,
        },
        'domain event reaction failed',
      );
      throw err;
    }
  }
}
