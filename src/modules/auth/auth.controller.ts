import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Ip,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles } from '@/common/auth/access.decorator';
import type { Principal } from '@/common/auth/roles';
import { AuthService } from '@/modules/auth/auth.service';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from '@/modules/auth/dto/api-key.dto';
import { LoginDto, LoginResultDto } from '@/modules/auth/dto/login.dto';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  async login(@Body() body: LoginDto, @Ip() ip: string): Promise<LoginResultDto> {
    const { accessToken, expiresAt } = await this.auth.login(body.username, body.password, ip);
    return { accessToken, expiresAt: expiresAt.toISOString() };
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Post('api-keys')
  async createApiKey(
    @Body() body: CreateApiKeyDto,
    @CurrentPrincipal() who: Principal,
  ): Promise<CreatedApiKeyDto> {
    const { key, record } = await this.auth.createApiKey(body.name, who);
    return { ...ApiKeyDto.from(record), key };
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Get('api-keys')
  async listApiKeys(): Promise<ApiKeyDto[]> {
    return (await this.auth.listApiKeys()).map((key) => ApiKeyDto.from(key));
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Delete('api-keys/:id')
  @HttpCode(204)
  async revokeApiKey(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.auth.revokeApiKey(id);
  }
}
