import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { PlannerSchedule } from '@/modules/planner/planner-schedule';
import { JobPayloads } from '@/queue/job-catalogue';
import { JobHandler } from '@/queue/job-handler.decorator';

@Injectable()
export class PlannerOverdueJob {
  constructor(private readonly schedule: PlannerSchedule) {}

  /** Retry-safe: a moved or finished plan is skipped; the notification is keyed by plan and due time. */
  @JobHandler('planner.overdue')
  async handle(job: Job<JobPayloads['planner.overdue']>): Promise<void> {
    await this.schedule.overdue(job.data);
  }
}
