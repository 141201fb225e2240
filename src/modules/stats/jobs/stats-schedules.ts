import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import { JobName, JobPayloads } from '@/queue/job-catalogue';
import { JobProducer } from '@/queue/job-producer.service';

/**
 * Registers the repeating stats jobs when a worker starts. Upserting a scheduler is idempotent,
 * so every worker may do it; a changed interval replaces the old one.
 */
@Injectable()
export class StatsSchedules implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobProducer,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.every('stats.live-tick', this.config.stats.liveIntervalMs, {}, 1);
    await this.every(
      'stats.recompute',
      this.config.stats.recomputeEveryMs,
      { reason: 'schedule' },
      3,
    );
  }

  private async every<N extends JobName>(
    name: N,
    everyMs: number,
    data: JobPayloads[N],
    attempts: number,
  ): Promise<void> {
    await this.jobs.repeat(name, everyMs, data, {
      attempts,
      removeOnComplete: true,
      removeOnFail: { count: 100 },
    });
  }
}
