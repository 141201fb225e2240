import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '@/config/app-config';
import { AuthController } from '@/modules/auth/auth.controller';
import { AuthService } from '@/modules/auth/auth.service';
import { jwtOptions } from '@/modules/auth/jwt-options';
import { LoginThrottle } from '@/modules/auth/login-throttle';
import { SessionsModule } from '@/modules/auth/sessions.module';
import { TokenService } from '@/modules/auth/token.service';

@Module({
  imports: [
    SessionsModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: jwtOptions,
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, TokenService, LoginThrottle],
  exports: [AuthService, TokenService],
})
export class AuthModule {}
