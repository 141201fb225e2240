import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobPayloads, QUEUES } from '@/queue/job-catalogue';
import { JobHandler } from '@/queue/job-handler.decorator';
import { JobProducer } from '@/queue/job-producer.service';
import { OutboxRelay } from '@/outbox/outbox.relay';
import { OUTBOX_GRACE_SECONDS } from '@/outbox/outbox-retry';

/**
 * The scheduler of the sweep it replaced: missed-call alerts now follow their call's commit
 * through the outbox. Removed at boot so an installation that ran it stops enqueueing it.
 */
const RETIRED_SCHEDULERS = [{ queue: QUEUES.notifications, name: 'notifications.recover-alerts' }];

/** Scheduled by every worker (upsert is idempotent): one sweep per period whatever their number. */
@Injectable()
export class OutboxRelayJob implements OnApplicationBootstrap {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly jobs: JobProducer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.relay.assertEveryTopicHandled();
    await this.jobs.repeat('outbox.relay', OUTBOX_GRACE_SECONDS * 1000, {});
    for (const { queue, name } of RETIRED_SCHEDULERS) {
      await this.jobs.queue(queue).removeJobScheduler(name);
    }
  }

  @JobHandler('outbox.relay')
  async handle(job: Job<JobPayloads['outbox.relay']>): Promise<void> {
    await job.updateProgress({ ...(await this.relay.sweep()) });
  }
}
