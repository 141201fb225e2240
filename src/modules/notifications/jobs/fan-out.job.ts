import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobPayloads } from '@/queue/job-catalogue';
import { JobHandler } from '@/queue/job-handler.decorator';
import { NotificationsService } from '@/modules/notifications/notifications.service';

@Injectable()
export class FanOutJob {
  constructor(private readonly notifications: NotificationsService) {}

  /** Safe to retry: idempotency keys make a second run write nothing new. */
  @JobHandler('notifications.fan-out')
  async handle(job: Job<JobPayloads['notifications.fan-out']>): Promise<void> {
    await this.notifications.fanOut(job.data);
  }
}
