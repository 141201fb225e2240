import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobPayloads } from '@/queue/job-catalogue';
import { JobHandler } from '@/queue/job-handler.decorator';
import { BroadcastsService } from '@/modules/notifications/broadcasts.service';

@Injectable()
export class BroadcastRenotifyJob {
  constructor(private readonly broadcasts: BroadcastsService) {}

  /** Safe to retry: the reminder's source id and the next round's job id are fixed per round. */
  @JobHandler('notifications.broadcast-renotify')
  async handle(job: Job<JobPayloads['notifications.broadcast-renotify']>): Promise<void> {
    await this.broadcasts.remind(job.data.broadcastId, job.data.round);
  }
}
