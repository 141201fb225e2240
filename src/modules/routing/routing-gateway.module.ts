import { Module } from '@nestjs/common';
import { ConsoleGateway } from '@/modules/routing/console.gateway';
import { ConsoleSnapshotService } from '@/modules/routing/console-snapshot.service';
import { RoutingGateway } from '@/modules/routing/routing.gateway';
import { RoutingModule } from '@/modules/routing/routing.module';
import { CallsModule } from '@/modules/calls/calls.module';
import { StaffModule } from '@/modules/staff/staff.module';

/** Socket handlers live only in the API process. */
@Module({
  imports: [RoutingModule, CallsModule, StaffModule],
  providers: [RoutingGateway, ConsoleGateway, ConsoleSnapshotService],
})
export class RoutingGatewayModule {}
