import { Module } from '@nestjs/common';
import { StaffModule } from '@/modules/staff/staff.module';
import { StaffGateway } from '@/modules/staff/staff.gateway';

/** Socket handlers live only in the API process. */
@Module({ imports: [StaffModule], providers: [StaffGateway] })
export class StaffGatewayModule {}
