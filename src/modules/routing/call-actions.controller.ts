import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@/common/auth/access.decorator';
import type { Principal } from '@/common/auth/roles';
import { CallActionsService } from '@/modules/routing/call-actions.service';
import {
  AssignCallDto,
  CallActionDto,
  CallbackRequestDto,
  TransferCallDto,
} from '@/modules/routing/dto/call-action.dto';

/** Manual handling of a call by the front office, or by the agent on it (end, transfer). */
@ApiTags('routing')
@ApiBearerAuth()
@Controller()
export class CallActionsController {
  constructor(private readonly actions: CallActionsService) {}

  @Roles('receptionist', 'supervisor', 'admin', 'agent')
  @Post('calls/:id/end')
  @HttpCode(200)
  end(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<CallActionDto> {
    return this.actions.end(who, id);
  }

  @Roles('receptionist', 'supervisor', 'admin')
  @Post('calls/:id/assign')
  @HttpCode(200)
  assign(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: AssignCallDto,
  ): Promise<CallActionDto> {
    return this.actions.assign(who, id, body);
  }

  @Roles('receptionist', 'supervisor', 'admin', 'agent')
  @Post('calls/:id/transfer')
  @HttpCode(200)
  transfer(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: TransferCallDto,
  ): Promise<CallActionDto> {
    return this.actions.transfer(who, id, body);
  }

  /** Hold for callback: the waiting caller leaves the queue and joins the unfinished calls. */
  @Roles('receptionist', 'supervisor', 'admin')
  @Post('calls/:id/callback')
  @HttpCode(200)
  callback(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CallbackRequestDto,
  ): Promise<CallActionDto> {
    return this.actions.holdForCallback(who, id, body);
  }
}
