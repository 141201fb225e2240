import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobPayloads } from '@/queue/job-catalogue';
import { JobHandler } from '@/queue/job-handler.decorator';
import { RecomputeTrigger } from '@/modules/stats/rollups/recompute-trigger.service';
import {
  RecomputeResult,
  RollupBusyError,
  RollupService,
} from '@/modules/stats/rollups/rollup.service';

@Injectable()
export class StatsRecomputeJob {
  constructor(
    private readonly rollups: RollupService,
    private readonly trigger: RecomputeTrigger,
  ) {}

  /**
   * Safe to retry and to run twice: the pass reads its work from the watermark and rewrites
   * whole buckets in one transaction. When another pass holds the watermark it may have started
   * before the change that queued this job, so the job asks for a later pass instead of waiting.
   */
  @JobHandler('stats.recompute')
  async handle(_job: Job<JobPayloads['stats.recompute']>): Promise<RecomputeResult | null> {
    try {
      return await this.rollups.recompute();
    } catch (err) {
      if (!(err instanceof RollupBusyError)) throw err;
      await this.trigger.request('busy');
      return null;
    }
  }
}
