import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, Roles } from '@/common/auth/access.decorator';
import type { Principal } from '@/common/auth/roles';
import {
  BroadcastAckResultDto,
  BroadcastDto,
  CreateBroadcastDto,
} from '@/modules/notifications/dto/broadcast.dto';
import { BroadcastsService } from '@/modules/notifications/broadcasts.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('broadcasts')
export class BroadcastsController {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @Roles('admin', 'supervisor')
  @Post()
  create(
    @CurrentPrincipal() who: Principal,
    @Body() body: CreateBroadcastDto,
  ): Promise<BroadcastDto> {
    return this.broadcasts.create(who.id, body);
  }

  @Roles('admin', 'supervisor')
  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<BroadcastDto> {
    return this.broadcasts.get(id);
  }

  @Authenticated()
  @Post(':id/ack')
  @HttpCode(200)
  ack(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<BroadcastAckResultDto> {
    return this.broadcasts.ack(who.id, id);
  }
}
