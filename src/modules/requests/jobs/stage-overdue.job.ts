import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobPayloads } from '@/queue/job-catalogue';
import { JobHandler } from '@/queue/job-handler.decorator';
import { RequestsService } from '@/modules/requests/requests.service';

@Injectable()
export class StageOverdueJob {
  constructor(private readonly requests: RequestsService) {}

  /** Retry-safe: the service re-reads the stage and the alert is idempotent per due time. */
  @JobHandler('requests.stage-overdue')
  async handle(job: Job<JobPayloads['requests.stage-overdue']>): Promise<void> {
    await this.requests.stageOverdue(job.data.stageId);
  }
}
