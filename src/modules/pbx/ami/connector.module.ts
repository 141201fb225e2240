import { Module } from '@nestjs/common';
import { CoreModule } from '@/core.module';
import { CallsModule } from '@/modules/calls/calls.module';
import { AmiConnectorService } from '@/modules/pbx/ami/ami-connector.service';
import { PbxConnectorRepository } from '@/modules/pbx/ami/pbx-connector.repository';

/** The connector process: infrastructure, the calls ingest and the AMI connection. */
@Module({
  imports: [CoreModule, CallsModule],
  providers: [AmiConnectorService, PbxConnectorRepository],
  exports: [AmiConnectorService],
})
export class ConnectorModule {}
