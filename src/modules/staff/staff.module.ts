import { Module } from '@nestjs/common';
import { SessionsModule } from '@/modules/auth/sessions.module';
import { PresenceController } from '@/modules/staff/presence.controller';
import { PresenceService } from '@/modules/staff/presence.service';
import { StaffEventBus } from '@/modules/staff/staff.events';
import { StaffStateRepository } from '@/modules/staff/staff-state.repository';
import { UsersController } from '@/modules/staff/users.controller';
import { UsersService } from '@/modules/staff/users.service';

@Module({
  imports: [SessionsModule],
  controllers: [UsersController, PresenceController],
  providers: [UsersService, PresenceService, StaffEventBus, StaffStateRepository],
  exports: [UsersService, PresenceService, StaffEventBus, StaffStateRepository],
})
export class StaffModule {}
