import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '@/common/auth/access.decorator';
import {
  ClientStatsQueryDto,
  ForecastQueryDto,
  HeatmapQueryDto,
  LineStatsQueryDto,
  QueueStatsQueryDto,
  StaffStatsQueryDto,
} from '@/modules/stats/dto/stats-query.dto';
import {
  CSV_COLUMNS,
  ClientStatsDto,
  ForecastDto,
  HeatmapDto,
  LineStatsDto,
  QueueStatsDto,
  StaffStatsDto,
} from '@/modules/stats/dto/stats-report.dto';
import { toCsv } from '@/modules/stats/reports/csv';
import { StatsReportService } from '@/modules/stats/reports/stats-report.service';
import { LiveStatsService } from '@/modules/stats/live/live-stats.service';
import type { StatsLivePayload } from '@/modules/stats/dto/live.dto';

/** JSON by default; the rows as CSV when the client asks for `text/csv`. */
function negotiate<T extends object, R extends object>(
  accept: string | undefined,
  res: Response,
  report: T,
  rows: readonly R[],
  columns: readonly (keyof R & string)[],
): T | string {
  if (!accept?.toLowerCase().includes('text/csv')) return report;
  res.type('text/csv; charset=utf-8');
  return toCsv(rows, columns);
}

@ApiTags('stats')
@ApiBearerAuth()
@ApiProduces('application/json', 'text/csv')
@Controller('stats')
export class StatsController {
  constructor(
    private readonly stats: StatsReportService,
    private readonly live: LiveStatsService,
  ) {}

  /**
   * The `stats.live` snapshot now: the wallboard's first paint, and its feed for admins, who are
   * not in the supervisors' room the worker sends the ticks to.
   */
  @Roles('supervisor', 'admin')
  @Get('live')
  @ApiOkResponse({ description: 'the same payload as the `stats.live` socket event' })
  async liveSnapshot(): Promise<StatsLivePayload> {
    return this.live.snapshot();
  }

  @Roles('supervisor', 'admin')
  @Get('lines')
  @ApiOkResponse({ type: LineStatsDto })
  async lines(
    @Query() query: LineStatsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LineStatsDto | string> {
    const report = await this.stats.lines(query);
    return negotiate(accept, res, report, report.rows, CSV_COLUMNS.lines);
  }

  @Roles('supervisor', 'admin')
  @Get('queues')
  @ApiOkResponse({ type: QueueStatsDto })
  async queues(
    @Query() query: QueueStatsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<QueueStatsDto | string> {
    const report = await this.stats.queues(query);
    return negotiate(accept, res, report, report.rows, CSV_COLUMNS.queues);
  }

  @Roles('supervisor', 'admin')
  @Get('staff')
  @ApiOkResponse({ type: StaffStatsDto })
  async staff(
    @Query() query: StaffStatsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StaffStatsDto | string> {
    const report = await this.stats.staff(query);
    return negotiate(accept, res, report, report.rows, CSV_COLUMNS.staff);
  }

  @Roles('supervisor', 'admin')
  @Get('clients')
  @ApiOkResponse({ type: ClientStatsDto })
  async clients(
    @Query() query: ClientStatsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ClientStatsDto | string> {
    const report = await this.stats.clients(query);
    return negotiate(accept, res, report, report.rows, CSV_COLUMNS.clients);
  }

  @Roles('supervisor', 'admin')
  @Get('heatmap')
  @ApiOkResponse({ type: HeatmapDto })
  async heatmap(
    @Query() query: HeatmapQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HeatmapDto | string> {
    const report = await this.stats.heatmap(query);
    return negotiate(accept, res, report, report.rows, CSV_COLUMNS.heatmap);
  }

  @Roles('supervisor', 'admin')
  @Get('forecast')
  @ApiOkResponse({ type: ForecastDto })
  async forecast(
    @Query() query: ForecastQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ForecastDto | string> {
    const report = await this.stats.forecast(query);
    return negotiate(accept, res, report, report.hours, CSV_COLUMNS.forecast);
  }
}
