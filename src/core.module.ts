import { Module } from '@nestjs/common';
import { ConfigModule } from '@/config/config.module';
import { DatabaseModule } from '@/database/database.module';
import { LeanSqlModule } from '@/database/lean-sql';
import { DomainEventsModule } from '@/common/events/domain-events.module';
import { LoggerModule } from '@/common/logging/logger.module';
import { OutboxModule } from '@/outbox/outbox.module';
import { QueueModule } from '@/queue/queue.module';
import { RealtimeModule } from '@/realtime/realtime.module';
import { RedisModule } from '@/redis/redis.module';

/**
 * Infrastructure every process needs: config, logs, PostgreSQL, Redis, queues, socket publishing,
 * the transactional outbox, the host of domain-event reactions.
 */
@Module({
  imports: [
    ConfigModule,
    LoggerModule,
    DatabaseModule,
    LeanSqlModule,
    RedisModule,
    QueueModule,
    RealtimeModule,
    OutboxModule,
    DomainEventsModule,
  ],
  exports: [ConfigModule, RedisModule, QueueModule, RealtimeModule, OutboxModule],
})
export class CoreModule {}
