import { Module } from '@nestjs/common';
import { CallChangesHandler } from '@/modules/calls/call-changes.handler';
import { CallIngestService } from '@/modules/calls/call-ingest.service';
import { CallStepsRepository } from '@/modules/calls/call-steps.repository';
import { CallStepsService } from '@/modules/calls/call-steps.service';
import { KnownCalls } from '@/modules/calls/known-calls';
import { CallsController } from '@/modules/calls/calls.controller';
import { CodeMappingRepository } from '@/modules/calls/code-mappings/code-mapping.repository';
import { CodeMappingsController } from '@/modules/calls/code-mappings/code-mappings.controller';
import { CodeMappingsService } from '@/modules/calls/code-mappings/code-mappings.service';
import { CallsEventBus } from '@/modules/calls/calls.events';
import { CallsService } from '@/modules/calls/calls.service';
import { DossierService } from '@/modules/calls/dossier.service';
import { TelephonyController } from '@/modules/calls/telephony.controller';
import { TelephonyService } from '@/modules/calls/telephony.service';

/**
 * Calls: telephony ingest, manual registration, the call log and dossiers. Other features react
 * to CallsEventBus and record their own steps through CallStepsService (by call id, no code look-ups);
 * the PBX history import and connector write telephony facts through CallIngestService, like the
 * HTTP ingest.
 */
@Module({
  controllers: [TelephonyController, CallsController, CodeMappingsController],
  providers: [
    CallIngestService,
    CallChangesHandler,
    CallsService,
    DossierService,
    TelephonyService,
    CallsEventBus,
    CallStepsService,
    KnownCalls,
    CallStepsRepository,
    CodeMappingRepository,
    CodeMappingsService,
  ],
  exports: [CallsService, CallsEventBus, DossierService, CallStepsService, CallIngestService],
})
export class CallsModule {}
