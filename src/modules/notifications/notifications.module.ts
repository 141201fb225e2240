import { Module } from '@nestjs/common';
import { BroadcastsController } from '@/modules/notifications/broadcasts.controller';
import { BroadcastsService } from '@/modules/notifications/broadcasts.service';
import { UserEventsService } from '@/modules/notifications/delivery/user-events.service';
import { NotificationSettingsService } from '@/modules/notifications/notification-settings.service';
import { NotificationsController } from '@/modules/notifications/notifications.controller';
import { NotificationsService } from '@/modules/notifications/notifications.service';

/** Imported by the API and the worker; its gateways are in NotificationsGatewayModule. */
@Module({
  controllers: [NotificationsController, BroadcastsController],
  providers: [
    UserEventsService,
    NotificationsService,
    NotificationSettingsService,
    BroadcastsService,
  ],
  exports: [UserEventsService, NotificationsService, BroadcastsService],
})
export class NotificationsModule {}
