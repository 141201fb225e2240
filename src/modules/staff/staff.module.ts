import { Module } from '@nestjs/common';
import { UsersController } from '@/modules/staff/users.controller';
import { UsersService } from '@/modules/staff/users.service';

@Module({ controllers: [UsersController], providers: [UsersService], exports: [UsersService] })
export class StaffModule {}
