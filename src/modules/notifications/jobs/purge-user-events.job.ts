import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import { JobHandler } from '@/queue/job-handler.decorator';
import { JobProducer } from '@/queue/job-producer.service';
import { UserEventsService } from '@/modules/notifications/delivery/user-events.service';

const PURGE_EVERY_MS = 3600_000;

/** Keeps the user_events outbox to its retention; scheduled by every worker (upsert is idempotent). */
@Injectable()
export class PurgeUserEventsJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('Delivery');

  constructor(
    private readonly events: UserEventsService,
    private readonly jobs: JobProducer,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.repeat('notifications.purge-user-events', PURGE_EVERY_MS, {});
  }

  @JobHandler('notifications.purge-user-events')
  async handle(): Promise<void> {
    const removed = await this.events.purgeOlderThan(
      this.config.notifications.userEventsRetentionDays,
    );
    if (removed > 0) this.logger.log(`purged ${removed} user events past the retention`);
  }
}
