import { Module } from '@nestjs/common';
import { CallChangesHandler } from '@/modules/calls/call-changes.handler';
import { CallIngestService } from '@/modules/calls/call-ingest.service';
import { CallStepsRepository } from '@/modules/calls/call-steps.repository';
import { CallStepsService } from '@/modules/calls/call-steps.service';
import { CallsController } from '@/modules/calls/calls.controller';
import { CallsEventBus } from '@/modules/calls/calls.events';
import { CallsService } from '@/modules/calls/calls.service';
import { DossierService } from '@/modules/calls/dossier.service';
import { TelephonyController } from '@/modules/calls/telephony.controller';
import { TelephonyService } from '@/modules/calls/telephony.service';

/**
 * Calls: telephony ingest, manual registration, the call log and dossiers. Other features react
 * to CallsEventBus and record their own steps through CallStepsService (by call id, no code look-ups).
 */
@Module({
  controllers: [TelephonyController, CallsController],
  providers: [
    CallIngestService,
    CallChangesHandler,
    CallsService,
    DossierService,
    TelephonyService,
    CallsEventBus,
    CallStepsService,
    CallStepsRepository,
  ],
  exports: [CallsService, CallsEventBus, DossierService, CallStepsService],
})
export class CallsModule {}
