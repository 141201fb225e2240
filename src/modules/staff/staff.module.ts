import { Module } from '@nestjs/common';
import { SessionsModule } from '@/modules/auth/sessions.module';
import { PresenceController } from '@/modules/staff/presence.controller';
import { PresenceService } from '@/modules/staff/presence.service';
import { StaffEventBus } from '@/modules/staff/staff.events';
import { UsersController } from '@/modules/staff/users.controller';
import { UsersService } from '@/modules/staff/users.service';

@Module({
  imports: [SessionsModule],
  controllers: [UsersController, PresenceController],
  providers: [UsersService, PresenceService, StaffEventBus],
  exports: [UsersService, PresenceService, StaffEventBus],
})
export class StaffModule {}
