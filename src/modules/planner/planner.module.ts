import { Module } from '@nestjs/common';
import { CallsModule } from '@/modules/calls/calls.module';
import { PbxControlModule } from '@/modules/pbx/ami/pbx-control.module';
import { NotificationsModule } from '@/modules/notifications/notifications.module';
import { CalendarController } from '@/modules/planner/calendar.controller';
import { CalendarFeedService } from '@/modules/planner/calendar-feed.service';
import { ClientChainService } from '@/modules/planner/client-chain.service';
import { PlannerCallbacksListener } from '@/modules/planner/planner-callbacks.listener';
import { PlannerController } from '@/modules/planner/planner.controller';
import { PlannerReasonsController } from '@/modules/planner/planner-reasons.controller';
import { PlannerReasonsService } from '@/modules/planner/planner-reasons.service';
import { PlannerRepository } from '@/modules/planner/planner.repository';
import { PlannerSchedule } from '@/modules/planner/planner-schedule';
import { PlannerService } from '@/modules/planner/planner.service';
import { PlannerStatsController } from '@/modules/planner/planner-stats.controller';
import { PlannerStatsService } from '@/modules/planner/planner-stats.service';
import { StaffModule } from '@/modules/staff/staff.module';

/**
 * The planner: planned contacts, their reasons, reminders and overdue checks, a client's chain,
 * the calendar feed and the unfinished-contacts report. Imported by the API (routes, outbox
 * handlers) and the worker (the reminder and overdue jobs, registered in WorkerModule).
 */
@Module({
  imports: [CallsModule, NotificationsModule, PbxControlModule, StaffModule],
  controllers: [
    PlannerController,
    PlannerReasonsController,
    CalendarController,
    PlannerStatsController,
  ],
  providers: [
    PlannerRepository,
    PlannerService,
    PlannerSchedule,
    PlannerReasonsService,
    CalendarFeedService,
    ClientChainService,
    PlannerStatsService,
    PlannerCallbacksListener,
  ],
  exports: [PlannerService, PlannerSchedule],
})
export class PlannerModule {}
