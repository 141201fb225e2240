import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { PlannerSchedule } from '@/modules/planner/planner-schedule';
import { JobPayloads } from '@/queue/job-catalogue';
import { JobHandler } from '@/queue/job-handler.decorator';

@Injectable()
export class PlannerReminderJob {
  constructor(private readonly schedule: PlannerSchedule) {}

  /** Retry-safe: a moved or finished plan is skipped; the notification is keyed by plan and time. */
  @JobHandler('planner.reminder')
  async handle(job: Job<JobPayloads['planner.reminder']>): Promise<void> {
    await this.schedule.remind(job.data);
  }
}
