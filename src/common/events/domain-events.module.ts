import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DomainEventHost } from '@/common/events/domain-event-host';

/** Wires every @OnDomainEvent reaction in the process (API and worker alike). */
@Module({
  imports: [DiscoveryModule],
  providers: [DomainEventHost],
})
export class DomainEventsModule {}
