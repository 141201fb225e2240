import { Module } from '@nestjs/common';
import { DeliveryGateway } from '@/modules/notifications/delivery/delivery.gateway';
import { NotificationsGateway } from '@/modules/notifications/notifications.gateway';
import { NotificationsModule } from '@/modules/notifications/notifications.module';

/** Socket handlers live only in the API process. */
@Module({ imports: [NotificationsModule], providers: [DeliveryGateway, NotificationsGateway] })
export class NotificationsGatewayModule {}
