import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CoreModule } from '@/core.module';
import { ApiKeyUsedJob } from '@/modules/auth/jobs/api-key-used.job';
import { WorkerHost } from '@/queue/worker-host';
import { PresenceCheckJob } from '@/modules/staff/jobs/presence-check.job';
import { StaffModule } from '@/modules/staff/staff.module';

/** The worker process: every job processor, registered here and nowhere else. */
@Module({
  imports: [CoreModule, DiscoveryModule, StaffModule],
  providers: [WorkerHost, ApiKeyUsedJob, PresenceCheckJob],
})
export class WorkerModule {}
