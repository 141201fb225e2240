import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import { JobPayloads } from '@/queue/job-catalogue';
import { JobProducer } from '@/queue/job-producer.service';

/**
 * Debounces "rollups are dirty" into one delayed `stats.recompute` per debounce window. The job
 * id names the window, so every process signalling within it adds the same job once, and a
 * change during a running pass lands in the next window's job instead of being dropped. Losing a
 * signal loses nothing: the pass reads what changed from the database, and a repeatable job
 * runs it anyway.
 */
@Injectable()
export class RecomputeTrigger {
  private readonly logger = new Logger('StatsRecomputeTrigger');
  private lastWindow = -1;

  constructor(
    private readonly jobs: JobProducer,
    private readonly config: AppConfig,
  ) {}

  async request(reason: JobPayloads['stats.recompute']['reason'] = 'changed'): Promise<void> {
    const debounceMs = this.config.stats.recomputeDebounceMs;
    const window = Math.floor(Date.now() / debounceMs);
    if (window === this.lastWindow) return;
    this.lastWindow = window;
    await this.jobs.enqueue(
      'stats.recompute',
      { reason },
      { jobId: `stats-recompute-${window}`, delay: debounceMs, removeOnComplete: true },
    );
  }

  /** For event handlers that must not fail because Redis hiccuped: the schedule catches up. */
  requestSafely(): void {
    this.request().catch((err: unknown) =>
      this.logger.warn({ err }, 'could not signal a stats recompute; the schedule will catch up'),
    );
  }
}
