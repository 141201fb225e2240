import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '@/common/auth/access.decorator';
import type { Principal } from '@/common/auth/roles';
import {
  InboxPageDto,
  InboxQueryDto,
  NotificationDto,
  UnreadCountDto,
} from '@/modules/notifications/dto/notification.dto';
import {
  NotificationSettingsDto,
  UpdateNotificationSettingsDto,
} from '@/modules/notifications/dto/notification-settings.dto';
import { NotificationSettingsService } from '@/modules/notifications/notification-settings.service';
import { NotificationsService } from '@/modules/notifications/notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller()
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly settings: NotificationSettingsService,
  ) {}

  @Authenticated()
  @Get('notifications')
  list(@CurrentPrincipal() who: Principal, @Query() query: InboxQueryDto): Promise<InboxPageDto> {
    return this.notifications.list(who.id, query);
  }

  @Authenticated()
  @Get('notifications/unread-count')
  async unreadCount(@CurrentPrincipal() who: Principal): Promise<UnreadCountDto> {
    return { count: await this.notifications.unreadCount(who.id) };
  }

  @Authenticated()
  @Post('notifications/read-all')
  @HttpCode(200)
  readAll(@CurrentPrincipal() who: Principal): Promise<{ count: number }> {
    return this.notifications.markAllRead(who.id);
  }

  @Authenticated()
  @Post('notifications/:id/read')
  @HttpCode(200)
  read(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<NotificationDto> {
    return this.notifications.markRead(who.id, id);
  }

  @Authenticated()
  @Post('notifications/:id/archive')
  @HttpCode(200)
  archive(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<NotificationDto> {
    return this.notifications.archive(who.id, id);
  }

  @Authenticated()
  @Get('me/notification-settings')
  getSettings(@CurrentPrincipal() who: Principal): Promise<NotificationSettingsDto> {
    return this.settings.get(who.id);
  }

  @Authenticated()
  @Put('me/notification-settings')
  updateSettings(
    @CurrentPrincipal() who: Principal,
    @Body() body: UpdateNotificationSettingsDto,
  ): Promise<NotificationSettingsDto> {
    return this.settings.update(who.id, body);
  }
}
