import { Module } from '@nestjs/common';
import { RoutingGateway } from '@/modules/routing/routing.gateway';
import { RoutingModule } from '@/modules/routing/routing.module';

/** Socket handlers live only in the API process. */
@Module({ imports: [RoutingModule], providers: [RoutingGateway] })
export class RoutingGatewayModule {}
