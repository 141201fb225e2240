import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, Roles } from '@/common/auth/access.decorator';
import type { Principal } from '@/common/auth/roles';
import { AppError } from '@/common/errors/app-error';
import { AppConfig } from '@/config/app-config';
import { Page, page, PageQueryDto } from '@/common/pagination/page.dto';
import {
  CreateUserDto,
  MeDto,
  PersonDto,
  UpdateUserDto,
  UserDto,
} from '@/modules/staff/dto/user.dto';
import { UsersService } from '@/modules/staff/users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller()
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  @Authenticated()
  @Get('me')
  async me(@CurrentPrincipal() who: Principal): Promise<MeDto> {
    if (who.kind !== 'user') throw new AppError('FORBIDDEN', 'Only users have a profile');
    return { ...UserDto.from(await this.users.get(who.id)), timeZone: this.config.defaultTimeZone };
  }

  /** Colleagues to chat with and to name on screen: every active user, for every role. */
  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Get('people')
  async people(): Promise<PersonDto[]> {
    return (await this.users.activePeople()).map((user) => PersonDto.from(user));
  }

  @Roles('admin')
  @Post('users')
  async create(@Body() body: CreateUserDto): Promise<UserDto> {
    return UserDto.from(await this.users.create(body));
  }

  @Roles('admin', 'supervisor', 'receptionist')
  @Get('users')
  async list(@Query() query: PageQueryDto): Promise<Page<UserDto>> {
    const [rows, total] = await this.users.list(query);
    return page(rows, total, query, (user) => UserDto.from(user));
  }

  @Roles('admin', 'supervisor', 'receptionist')
  @Get('users/:id')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<UserDto> {
    return UserDto.from(await this.users.get(id));
  }

  @Roles('admin')
  @Patch('users/:id')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserDto> {
    return UserDto.from(await this.users.update(id, body));
  }

  /** Signs the person out everywhere: every token issued so far is refused, sockets are closed. */
  @Roles('admin')
  @Post('users/:id/sessions/revoke')
  @HttpCode(204)
  async revokeSessions(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.users.revokeSessions(id);
  }

  /** Signs oneself out everywhere, this token included (a lost phone, a shared computer). */
  @Authenticated()
  @Post('me/sessions/revoke')
  @HttpCode(204)
  async revokeOwnSessions(@CurrentPrincipal() who: Principal): Promise<void> {
    if (who.kind !== 'user') throw new AppError('FORBIDDEN', 'Only users have sessions');
    await this.users.revokeSessions(who.id);
  }
}
