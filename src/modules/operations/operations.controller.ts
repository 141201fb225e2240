import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@/common/auth/access.decorator';
import { HealthReport, HealthService } from '@/modules/operations/health.service';
import { MetricsService } from '@/modules/operations/metrics.service';

@ApiTags('operations')
@Controller()
export class OperationsController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
  ) {}

  /** Public so load balancers and orchestrators can probe it; it reveals no data. */
  @Public()
  @Get('health')
  async getHealth(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.report();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }

  /** Prometheus scrape endpoint, outside /api; expose it only on the internal network. */
  @Public()
  @ApiExcludeEndpoint()
  @Get('/metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async getMetrics(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
