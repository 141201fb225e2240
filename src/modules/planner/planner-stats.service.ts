import { Injectable } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import { AppConfig } from '@/config/app-config';
import { PlannerStatsDto, PlannerStatsQueryDto } from '@/modules/planner/dto/planner-stats.dto';
import { PlannerRepository } from '@/modules/planner/planner.repository';
import { parseInstant, resolveZone } from '@/modules/stats/reports/report-range';

/** Analysis of unfinished contacts: how plans ended per person and reason, and who was not called back. */
@Injectable()
export class PlannerStatsService {
  constructor(
    private readonly repo: PlannerRepository,
    private readonly config: AppConfig,
  ) {}

  async report(query: PlannerStatsQueryDto): Promise<PlannerStatsDto> {
    const tz = resolveZone(query.tz, this.config.defaultTimeZone);
    const from = parseInstant(query.from, tz, 'from');
    const to = parseInstant(query.to, tz, 'to');
    if (from.getTime() >= to.getTime()) {
      throw new AppError('INVALID_RANGE', 'from must be before to', { field: 'to' });
    }
    const assigneeId = query.assigneeId ?? null;
    const [people, reasons, unfinished] = await Promise.all([
      this.repo.statsByPerson(from, to, assigneeId),
      this.repo.statsByReason(from, to, assigneeId),
      this.repo.unfinishedContacts(from, to),
    ]);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      tz,
      generatedAt: new Date().toISOString(),
      people: people.map((row) => ({
        ...row,
        medianDelayMinutes:
          row.medianDelayMinutes === null ? null : Math.round(row.medianDelayMinutes * 10) / 10,
      })),
      reasons,
      unfinished,
    };
  }
}
