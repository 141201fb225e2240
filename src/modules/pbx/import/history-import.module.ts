import { Module } from '@nestjs/common';
import { CoreModule } from '@/core.module';
import { CallsModule } from '@/modules/calls/calls.module';
import { HistoryImportService } from '@/modules/pbx/import/history-import.service';

/** What `npm run import` boots: the infrastructure and the calls ingest, no HTTP, no routing. */
@Module({
  imports: [CoreModule, CallsModule],
  providers: [HistoryImportService],
  exports: [HistoryImportService],
})
export class HistoryImportModule {}
