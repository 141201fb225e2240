import { Global, Module } from '@nestjs/common';
import { OutboxRepository } from '@/outbox/outbox.repository';
import { OutboxRelay } from '@/outbox/outbox.relay';

/** The transactional outbox: any feature writes rows in its transaction and dispatches after. */
@Global()
@Module({ providers: [OutboxRepository, OutboxRelay], exports: [OutboxRepository, OutboxRelay] })
export class OutboxModule {}
