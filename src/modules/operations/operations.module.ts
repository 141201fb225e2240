import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { HealthService } from '@/modules/operations/health.service';
import { HttpMetricsMiddleware } from '@/modules/operations/http-metrics.middleware';
import { MetricsService } from '@/modules/operations/metrics.service';
import { OperationsController } from '@/modules/operations/operations.controller';

@Module({ controllers: [OperationsController], providers: [HealthService, MetricsService] })
export class OperationsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
