import { Module } from '@nestjs/common';
import { CallsModule } from '@/modules/calls/calls.module';
import { PlannerModule } from '@/modules/planner/planner.module';
import { RequestsModule } from '@/modules/requests/requests.module';
import { StaffModule } from '@/modules/staff/staff.module';
import { CallActionsController } from '@/modules/routing/call-actions.controller';
import { CallActionsService } from '@/modules/routing/call-actions.service';
import { CallsLedgerAdapter } from '@/modules/routing/calls-ledger.adapter';
import { RoutingController } from '@/modules/routing/routing.controller';
import { RoutingEventsListener } from '@/modules/routing/routing-events.listener';
import { RoutingRecoveryService } from '@/modules/routing/routing-recovery.service';
import { RequestRoutingService } from '@/modules/routing/request-routing.service';
import { RequestsDeskAdapter } from '@/modules/routing/requests-desk.adapter';
import { CallLedger, RequestDesk } from '@/modules/routing/routing.ports';
import { RoutingRepository } from '@/modules/routing/routing.repository';
import { RoutingService } from '@/modules/routing/routing.service';

/** Imported by the API and the worker: both react to events and run the same routing logic. */
@Module({
  imports: [StaffModule, CallsModule, RequestsModule, PlannerModule],
  controllers: [RoutingController, CallActionsController],
  providers: [
    RoutingService,
    RequestRoutingService,
    RoutingRecoveryService,
    CallActionsService,
    RoutingRepository,
    RoutingEventsListener,
    { provide: CallLedger, useClass: CallsLedgerAdapter },
    { provide: RequestDesk, useClass: RequestsDeskAdapter },
  ],
  exports: [RoutingService, RoutingRecoveryService],
})
export class RoutingModule {}
