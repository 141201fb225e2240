import { Module } from '@nestjs/common';
import { CallsModule } from '@/modules/calls/calls.module';
import { ErlangController } from '@/modules/stats/erlang/erlang.controller';
import { ErlangService } from '@/modules/stats/erlang/erlang.service';
import { LiveStatsService } from '@/modules/stats/live/live-stats.service';
import { StatsReportRepository } from '@/modules/stats/reports/stats-report.repository';
import { StatsReportService } from '@/modules/stats/reports/stats-report.service';
import { CallsChangedListener } from '@/modules/stats/rollups/calls-changed.listener';
import { RecomputeTrigger } from '@/modules/stats/rollups/recompute-trigger.service';
import { RollupRepository } from '@/modules/stats/rollups/rollup.repository';
import { RollupService } from '@/modules/stats/rollups/rollup.service';
import { StatsController } from '@/modules/stats/stats.controller';
import { StatsEventBus } from '@/modules/stats/stats.events';

/**
 * Load statistics: the Erlang calculators, 15-minute rollups kept current by the worker,
 * reports over them, and the live supervisor feed. Imported by the API and the worker; the
 * job processors are registered only in the worker module.
 */
@Module({
  imports: [CallsModule],
  controllers: [ErlangController, StatsController],
  providers: [
    ErlangService,
    RollupRepository,
    RollupService,
    RecomputeTrigger,
    CallsChangedListener,
    StatsReportRepository,
    StatsReportService,
    LiveStatsService,
    StatsEventBus,
  ],
  exports: [ErlangService, RollupService, RecomputeTrigger, LiveStatsService, StatsEventBus],
})
export class StatsModule {}
