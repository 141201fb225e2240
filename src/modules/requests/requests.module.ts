import { Module } from '@nestjs/common';
import { StaffModule } from '@/modules/staff/staff.module';
import { NotificationsModule } from '@/modules/notifications/notifications.module';
import { RequestsController } from '@/modules/requests/requests.controller';
import { RequestsEventBus } from '@/modules/requests/requests.events';
import { RequestsService } from '@/modules/requests/requests.service';

/**
 * Requests and their staged execution. Imported by the API (routes) and the worker (the overdue
 * job, registered in WorkerModule like every processor).
 */
@Module({
  imports: [NotificationsModule, StaffModule],
  controllers: [RequestsController],
  providers: [RequestsService, RequestsEventBus],
  exports: [RequestsService, RequestsEventBus],
})
export class RequestsModule {}
