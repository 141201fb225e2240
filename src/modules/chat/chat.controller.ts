import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '@/common/auth/access.decorator';
import type { Principal } from '@/common/auth/roles';
import { AppError } from '@/common/errors/app-error';
import { ChatMessagesService } from '@/modules/chat/chat-messages.service';
import { ChatPresenceService } from '@/modules/chat/chat-presence.service';
import { ChatRoomsService } from '@/modules/chat/chat-rooms.service';
import {
  EditMessageDto,
  HistoryPageDto,
  HistoryQueryDto,
  MessageDto,
  PresenceQueryDto,
} from '@/modules/chat/dto/message.dto';
import { CreateRoomDto, PresenceMapDto, RoomDto } from '@/modules/chat/dto/room.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('chat')
@ApiBearerAuth()
@Controller('chat')
export class ChatController {
  constructor(
    private readonly rooms: ChatRoomsService,
    private readonly messages: ChatMessagesService,
    private readonly presence: ChatPresenceService,
  ) {}

  @Authenticated()
  @Post('rooms')
  create(@CurrentPrincipal() who: Principal, @Body() body: CreateRoomDto): Promise<RoomDto> {
    return this.rooms.create(who, body);
  }

  @Authenticated()
  @Get('rooms')
  list(@CurrentPrincipal() who: Principal): Promise<RoomDto[]> {
    return this.rooms.list(who.id);
  }

  @Authenticated()
  @Post('rooms/:id/members/:userId')
  @HttpCode(200)
  addMember(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
  ): Promise<RoomDto> {
    return this.rooms.addMember(who, id, userId);
  }

  @Authenticated()
  @Delete('rooms/:id/members/:userId')
  @HttpCode(204)
  removeMember(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
  ): Promise<void> {
    return this.rooms.removeMember(who, id, userId);
  }

  @Authenticated()
  @Get('rooms/:id/messages')
  history(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: HistoryQueryDto,
  ): Promise<HistoryPageDto> {
    return this.messages.history(who.id, id, query.before, query.limit);
  }

  @Authenticated()
  @Patch('messages/:id')
  edit(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: EditMessageDto,
  ): Promise<MessageDto> {
    return this.messages.edit(who.id, id, body.text);
  }

  @Authenticated()
  @Delete('messages/:id')
  remove(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<MessageDto> {
    return this.messages.delete(who.id, id);
  }

  @Authenticated()
  @Get('presence')
  async presenceOf(@Query() query: PresenceQueryDto): Promise<PresenceMapDto> {
    const ids = [...new Set(query.userIds.split(',').map((s) => s.trim()))];
    if (ids.length > 200 || ids.some((id) => !UUID.test(id))) {
      throw new AppError('VALIDATION_FAILED', 'userIds must be up to 200 comma-separated ids', {
        field: 'userIds',
      });
    }
    return { presence: await this.presence.statusOf(ids) };
  }
}
