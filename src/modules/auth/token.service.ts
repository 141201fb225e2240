import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@/config/app-config';
import { AppError } from '@/common/errors/app-error';
import { Principal, USER_ROLES, UserRole } from '@/common/auth/roles';

interface AccessClaims {
  sub: string;
  name: string;
  roles: UserRole[];
}

/** Issues and verifies access tokens; shared by HTTP requests and the socket handshake. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async issue(user: {
    id: string;
    username: string;
    roles: UserRole[];
  }): Promise<{ accessToken: string; expiresAt: Date }> {
    const ttl = this.config.auth.jwtTtlSeconds;
    const claims: AccessClaims = { sub: user.id, name: user.username, roles: user.roles };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: ttl });
    return { accessToken, expiresAt: new Date(Date.now() + ttl * 1000) };
  }

  async verify(token: string): Promise<Principal> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token);
    } catch (err) {
      if (err instanceof Error && err.name === 'TokenExpiredError') {
        throw new AppError('TOKEN_EXPIRED', 'Access token has expired; log in again');
      }
      throw new AppError('UNAUTHENTICATED', 'Access token is invalid');
    }
    const roles = (Array.isArray(claims.roles) ? claims.roles : []).filter((r): r is UserRole =>
      (USER_ROLES as readonly string[]).includes(r),
    );
    return { kind: 'user', id: claims.sub, name: claims.name, roles };
  }
}
