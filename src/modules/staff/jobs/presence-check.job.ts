import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobPayloads } from '@/queue/job-catalogue';
import { JobHandler } from '@/queue/job-handler.decorator';
import { PresenceService } from '@/modules/staff/presence.service';

@Injectable()
export class PresenceCheckJob {
  constructor(private readonly presence: PresenceService) {}

  /** Safe to retry: it re-reads the socket count and only ever moves an idle person offline. */
  @JobHandler('staff.presence-check')
  async handle(job: Job<JobPayloads['staff.presence-check']>): Promise<void> {
    await this.presence.presenceCheck(job.data.userId);
  }
}
