import { Module } from '@nestjs/common';
import { CallsModule } from '@/modules/calls/calls.module';
import { PbxControlController } from '@/modules/pbx/ami/pbx-control.controller';
import { PbxControlListener } from '@/modules/pbx/ami/pbx-control.listener';
import { PbxControlService } from '@/modules/pbx/ami/pbx-control.service';

/**
 * Imported by the API and the worker: turns accepted offers of Asterisk calls into redirects and
 * "call back" into an Originate, as commands for the connector process.
 */
@Module({
  imports: [CallsModule],
  controllers: [PbxControlController],
  providers: [PbxControlListener, PbxControlService],
  exports: [PbxControlService],
})
export class PbxControlModule {}
