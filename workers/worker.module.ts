import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CoreModule } from '@/core.module';
import { ApiKeyUsedJob } from '@/modules/auth/jobs/api-key-used.job';
import { WorkerHost } from '@/queue/worker-host';
import { PresenceCheckJob } from '@/modules/staff/jobs/presence-check.job';
import { StaffModule } from '@/modules/staff/staff.module';
import { RoutingJobs } from '@/modules/routing/jobs/routing.jobs';
import { RoutingModule } from '@/modules/routing/routing.module';
import { PbxControlModule } from '@/modules/pbx/ami/pbx-control.module';
import { NotificationsModule } from '@/modules/notifications/notifications.module';
import { FanOutJob } from '@/modules/notifications/jobs/fan-out.job';
import { BroadcastRenotifyJob } from '@/modules/notifications/jobs/broadcast-renotify.job';
import { PurgeUserEventsJob } from '@/modules/notifications/jobs/purge-user-events.job';
import { StatsModule } from '@/modules/stats/stats.module';
import { StatsLiveTickJob } from '@/modules/stats/jobs/stats-live-tick.job';
import { StatsRecomputeJob } from '@/modules/stats/jobs/stats-recompute.job';
import { StatsSchedules } from '@/modules/stats/jobs/stats-schedules';
import { RequestsModule } from '@/modules/requests/requests.module';
import { StageOverdueJob } from '@/modules/requests/jobs/stage-overdue.job';
import { OutboxRelayJob } from '@/outbox/outbox-relay.job';
import { PlannerModule } from '@/modules/planner/planner.module';
import { PlannerReminderJob } from '@/modules/planner/jobs/planner-reminder.job';
import { PlannerOverdueJob } from '@/modules/planner/jobs/planner-overdue.job';

/** The worker process: every job processor, registered here and nowhere else. */
@Module({
  imports: [
    CoreModule,
    DiscoveryModule,
    StaffModule,
    NotificationsModule,
    RoutingModule,
    PbxControlModule,
    StatsModule,
    RequestsModule,
    PlannerModule,
  ],
  providers: [
    WorkerHost,
    ApiKeyUsedJob,
    PresenceCheckJob,
    RoutingJobs,
    FanOutJob,
    BroadcastRenotifyJob,
    PurgeUserEventsJob,
    StatsRecomputeJob,
    StatsLiveTickJob,
    StatsSchedules,
    StageOverdueJob,
    OutboxRelayJob,
    PlannerReminderJob,
    PlannerOverdueJob,
  ],
})
export class WorkerModule {}
