import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@/common/auth/access.decorator';
import type { Principal } from '@/common/auth/roles';
import { PbxControlService } from '@/modules/pbx/ami/pbx-control.service';

class DialBackDto {
  extension!: string;
  number!: string;
}

@ApiTags('calls')
@Controller()
export class PbxControlController {
  constructor(private readonly control: PbxControlService) {}

  /** Control mode: the PBX rings the caller's own phone, then dials the client (Originate). */
  @Roles('receptionist', 'supervisor', 'admin', 'agent')
  @Post('calls/:id/dial-back')
  @HttpCode(202)
  async dialBack(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<DialBackDto> {
    return this.control.dialBack(who, id);
  }
}
