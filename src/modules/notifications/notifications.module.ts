import { Module } from '@nestjs/common';
import { CallsModule } from '@/modules/calls/calls.module';
import { StatsModule } from '@/modules/stats/stats.module';
import { StaffModule } from '@/modules/staff/staff.module';
import { AlertRulesListener } from '@/modules/notifications/alert-rules.listener';
import { BroadcastsController } from '@/modules/notifications/broadcasts.controller';
import { BroadcastsService } from '@/modules/notifications/broadcasts.service';
import { UserEventsService } from '@/modules/notifications/delivery/user-events.service';
import { NotificationSettingsService } from '@/modules/notifications/notification-settings.service';
import { NotificationsController } from '@/modules/notifications/notifications.controller';
import { NotificationsService } from '@/modules/notifications/notifications.service';

/** Imported by the API and the worker; its gateways are in NotificationsGatewayModule. */
@Module({
  imports: [CallsModule, StatsModule, StaffModule],
  controllers: [NotificationsController, BroadcastsController],
  providers: [
    UserEventsService,
    NotificationsService,
    NotificationSettingsService,
    BroadcastsService,
    AlertRulesListener,
  ],
  exports: [
    UserEventsService,
    NotificationsService,
    NotificationSettingsService,
    BroadcastsService,
    AlertRulesListener,
  ],
})
export class NotificationsModule {}
