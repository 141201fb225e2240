import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobPayloads } from '@/queue/job-catalogue';
import { JobHandler } from '@/queue/job-handler.decorator';
import { JobProducer } from '@/queue/job-producer.service';
import { AlertRulesListener } from '@/modules/notifications/alert-rules.listener';

const RECOVER_EVERY_MS = 60_000;

/** Scheduled by every worker (upsert is idempotent): one pass a minute whatever their number. */
@Injectable()
export class RecoverAlertsJob implements OnApplicationBootstrap {
  constructor(
    private readonly alerts: AlertRulesListener,
    private readonly jobs: JobProducer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.repeat('notifications.recover-alerts', RECOVER_EVERY_MS, {});
  }

  @JobHandler('notifications.recover-alerts')
  async handle(job: Job<JobPayloads['notifications.recover-alerts']>): Promise<void> {
    const checked = await this.alerts.recoverMissedCallAlerts();
    await job.updateProgress({ checked });
  }
}
