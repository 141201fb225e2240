import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from '@/core.module';
import { CallsModule } from '@/modules/calls/calls.module';
import { AmiConnectorService } from '@/modules/pbx/ami/ami-connector.service';
import { PbxConnectorRepository } from '@/modules/pbx/ami/pbx-connector.repository';
import { RoutingModule } from '@/modules/routing/routing.module';

/**
 * The connector process: infrastructure, the calls ingest and the AMI connection. In control
 * mode it also runs the router, which reacts in-process to the calls this process ingests (as
 * the API does for `POST /api/telephony/events`); in observe mode Asterisk's queues decide.
 */
@Module({})
export class ConnectorModule {
  static register(mode: 'observe' | 'control'): DynamicModule {
    return {
      module: ConnectorModule,
      imports: [CoreModule, CallsModule, ...(mode === 'control' ? [RoutingModule] : [])],
      providers: [AmiConnectorService, PbxConnectorRepository],
      exports: [AmiConnectorService],
    };
  }
}
