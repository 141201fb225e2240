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
import { WaitingWorkRepository } from '@/modules/routing/waiting-work.repository';
import { CallLifecycleService } from '@/modules/routing/call-lifecycle.service';
import { CallOffersService } from '@/modules/routing/call-offers.service';
import { CallRoutingService } from '@/modules/routing/call-routing.service';
import { OfferAnswersService } from '@/modules/routing/offer-answers.service';
import { OffersRepository } from '@/modules/routing/offers.repository';
import { PendingOffersService } from '@/modules/routing/pending-offers.service';
import { RedisRoundRobinCursors } from '@/modules/routing/round-robin-cursors';
import {
  DecisionLog,
  RoundRobinCursors,
  RoutingPipeline,
} from '@/modules/routing/routing-pipeline';

/** Imported by the API and the worker: both react to events and run the same routing logic. */
@Module({
  imports: [StaffModule, CallsModule, RequestsModule, PlannerModule],
  controllers: [RoutingController, CallActionsController],
  providers: [
    RoutingPipeline,
    CallRoutingService,
    RequestRoutingService,
    CallOffersService,
    CallLifecycleService,
    OfferAnswersService,
    OffersRepository,
    PendingOffersService,
    RoutingRecoveryService,
    CallActionsService,
    RoutingRepository,
    WaitingWorkRepository,
    RoutingEventsListener,
    { provide: CallLedger, useClass: CallsLedgerAdapter },
    { provide: RequestDesk, useClass: RequestsDeskAdapter },
    { provide: DecisionLog, useExisting: RoutingRepository },
    { provide: RoundRobinCursors, useClass: RedisRoundRobinCursors },
  ],
  exports: [
    OfferAnswersService,
    PendingOffersService,
    CallLifecycleService,
    RoutingRecoveryService,
  ],
})
export class RoutingModule {}
