import type { DomainEventBus, ReactionOptions } from '@/common/events/domain-event-bus';

export const DOMAIN_EVENT_METADATA = 'switchboard:on-domain-event';

/** A feature's bus, as a provider token: CallsEventBus, RequestsEventBus, StaffEventBus… */
export type DomainEventBusType<E extends { type: string }> = abstract new (
  ...args: never[]
) => DomainEventBus<E>;

export interface DomainEventSubscription {
  bus: DomainEventBusType<{ type: string }>;
  options: ReactionOptions<{ type: string }>;
}

/**
 * Marks a method that reacts to a feature's domain events, found at boot by DomainEventHost the
 * way the worker host finds @JobHandler methods. `options.hears` declares the events and sources
 * it wants, `concurrency` the size of its pool in this process. The method runs in its own ORM
 * context, is awaited at shutdown, and a failure is logged and reported to the publisher (the
 * outbox then delivers the event again). A method may carry several of these.
 */
export function OnDomainEvent<E extends { type: string }>(
  bus: DomainEventBusType<E>,
  options: ReactionOptions<E>,
) {
  return <T extends (event: E) => Promise<unknown>>(
    _target: object,
    _key: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ): void => {
    const method = descriptor.value as object;
    const list = (Reflect.getMetadata(DOMAIN_EVENT_METADATA, method) ??
      []) as DomainEventSubscription[];
    Reflect.defineMetadata(DOMAIN_EVENT_METADATA, [...list, { bus, options }], method);
  };
}
