import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@/common/auth/access.decorator';
import type { Principal } from '@/common/auth/roles';
import { PresenceDto, SetStatusDto } from '@/modules/staff/dto/presence.dto';
import { PresenceService } from '@/modules/staff/presence.service';

@ApiTags('staff')
@ApiBearerAuth()
@Controller()
export class PresenceController {
  constructor(private readonly presence: PresenceService) {}

  @Roles('agent', 'supervisor', 'receptionist')
  @Get('me/status')
  mine(@CurrentPrincipal() who: Principal): Promise<PresenceDto> {
    return this.presence.get(who.id);
  }

  @Roles('agent', 'supervisor', 'receptionist')
  @Put('me/status')
  set(@CurrentPrincipal() who: Principal, @Body() body: SetStatusDto): Promise<PresenceDto> {
    return this.presence.setStatus(who.id, body.status, body.reason);
  }

  @Roles('admin', 'supervisor', 'receptionist')
  @Get('staff/presence')
  all(): Promise<PresenceDto[]> {
    return this.presence.list();
  }
}
