import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CoreModule } from '@/core.module';
import { HttpExceptionFilter } from '@/common/filters/http-exception.filter';
import { AccessGuard } from '@/modules/auth/guards/access.guard';
import { AuthModule } from '@/modules/auth/auth.module';
import { CallsModule } from '@/modules/calls/calls.module';
import { DirectoryModule } from '@/modules/directory/directory.module';
import { RoutingGatewayModule } from '@/modules/routing/routing-gateway.module';
import { RoutingModule } from '@/modules/routing/routing.module';
import { PbxControlModule } from '@/modules/pbx/ami/pbx-control.module';
import { OperationsModule } from '@/modules/operations/operations.module';
import { StaffGatewayModule } from '@/modules/staff/staff-gateway.module';
import { StaffModule } from '@/modules/staff/staff.module';
import { StatsModule } from '@/modules/stats/stats.module';
import { RealtimeGatewayModule } from '@/realtime/realtime-gateway.module';
import { NotificationsModule } from '@/modules/notifications/notifications.module';
import { NotificationsGatewayModule } from '@/modules/notifications/notifications-gateway.module';
import { ChatModule } from '@/modules/chat/chat.module';
import { ChatGatewayModule } from '@/modules/chat/chat-gateway.module';
import { PlannerModule } from '@/modules/planner/planner.module';
import { RequestsModule } from '@/modules/requests/requests.module';

/** The API process: HTTP controllers and the Socket.IO gateway. No job processors here. */
@Module({
  imports: [
    CoreModule,
    AuthModule,
    StaffModule,
    DirectoryModule,
    OperationsModule,
    RealtimeGatewayModule,
    StaffGatewayModule,
    StatsModule,
    CallsModule,
    RoutingModule,
    PbxControlModule,
    RoutingGatewayModule,
    NotificationsModule,
    NotificationsGatewayModule,
    ChatModule,
    ChatGatewayModule,
    RequestsModule,
    PlannerModule,
  ],
  providers: [
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
  ],
})
export class AppModule {}
