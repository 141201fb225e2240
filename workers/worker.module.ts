import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CoreModule } from '@/core.module';
import { ApiKeyUsedJob } from '@/modules/auth/jobs/api-key-used.job';
import { WorkerHost } from '@/queue/worker-host';

/** The worker process: every job processor, registered here and nowhere else. */
@Module({
  imports: [CoreModule, DiscoveryModule],
  providers: [WorkerHost, ApiKeyUsedJob],
})
export class WorkerModule {}
