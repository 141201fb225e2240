import { Injectable } from '@nestjs/common';
import { JobHandler } from '@/queue/job-handler.decorator';
import { LiveStatsService } from '@/modules/stats/live/live-stats.service';

@Injectable()
export class StatsLiveTickJob {
  constructor(private readonly live: LiveStatsService) {}

  /**
   * A job scheduler makes one job per tick and one worker takes it, so the snapshot is computed
   * once for every supervisor whatever the number of worker processes. A failed tick is not
   * retried: the next one is due within seconds and says more.
   */
  @JobHandler('stats.live-tick')
  async handle(): Promise<void> {
    await this.live.tick();
  }
}
