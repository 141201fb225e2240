import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '@/common/auth/access.decorator';
import {
  PLANNER_CSV_COLUMNS,
  PlannerStatsDto,
  PlannerStatsQueryDto,
} from '@/modules/planner/dto/planner-stats.dto';
import { PlannerStatsService } from '@/modules/planner/planner-stats.service';
import { toCsv } from '@/modules/stats/reports/csv';

@ApiTags('stats')
@ApiBearerAuth()
@ApiProduces('application/json', 'text/csv')
@Controller('stats')
export class PlannerStatsController {
  constructor(private readonly stats: PlannerStatsService) {}

  /** JSON by default; one section's rows as CSV with `Accept: text/csv` or `format=csv`. */
  @Roles('supervisor', 'admin')
  @Get('planner')
  @ApiOkResponse({ type: PlannerStatsDto })
  async planner(
    @Query() query: PlannerStatsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PlannerStatsDto | string> {
    const report = await this.stats.report(query);
    const csv = query.format === 'csv' || accept?.toLowerCase().includes('text/csv') === true;
    if (!csv || query.format === 'json') return report;
    const section = query.section ?? 'people';
    res.type('text/csv; charset=utf-8');
    switch (section) {
      case 'people':
        return toCsv(report.people, PLANNER_CSV_COLUMNS.people);
      case 'reasons':
        return toCsv(report.reasons, PLANNER_CSV_COLUMNS.reasons);
      case 'unfinished':
        return toCsv(report.unfinished, PLANNER_CSV_COLUMNS.unfinished);
    }
  }
}
