import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@/config/app-config';
import { AppError } from '@/common/errors/app-error';
import { Principal, UserRole } from '@/common/auth/roles';
import { AccountState, AccountStateCache } from '@/modules/auth/account-state.cache';

interface AccessClaims {
  sub: string;
  name: string;
  /** Informational for clients; the server reads roles from the account, never from here. */
  roles: UserRole[];
  /** The account's token version when the token was issued (absent in tokens from before it). */
  ver?: number;
}

/** A verified token: who, with the account's current roles, and the version to re-check. */
export interface Session {
  principal: Principal;
  tokenVersion: number;
}

/** Issues and verifies access tokens; shared by HTTP requests and the socket handshake. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly accounts: AccountStateCache,
  ) {}

  async issue(user: {
    id: string;
    username: string;
    roles: UserRole[];
    tokenVersion: number;
  }): Promise<{ accessToken: string; expiresAt: Date }> {
    const ttl = this.config.auth.jwtTtlSeconds;
    const claims: AccessClaims = {
      sub: user.id,
      name: user.username,
      roles: user.roles,
      ver: user.tokenVersion,
    };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: ttl });
    return { accessToken, expiresAt: new Date(Date.now() + ttl * 1000) };
  }

  /** Verifies the signature and expiry, then checks the session against the account as it is now. */
  async authenticate(token: string): Promise<Session> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token);
    } catch (err) {
      if (err instanceof Error && err.name === 'TokenExpiredError') {
        throw new AppError('TOKEN_EXPIRED', 'Access token has expired; log in again');
      }
      throw new AppError('UNAUTHENTICATED', 'Access token is invalid');
    }
    const tokenVersion = Number.isSafeInteger(claims.ver) ? (claims.ver as number) : 0;
    const principal = await this.current(String(claims.sub), tokenVersion);
    return { principal, tokenVersion };
  }

  /**
   * The principal of a session still in force, with the account's current roles; refused once
   * the account is deactivated or its token version moved on.
   */
  async current(userId: string, tokenVersion: number): Promise<Principal> {
    const account = await this.accounts.get(userId);
    if (!account) throw new AppError('UNAUTHENTICATED', 'The account of this token is gone');
    if (!account.active) {
      throw new AppError('ACCOUNT_INACTIVE', 'This account has been deactivated');
    }
    if (account.tokenVersion !== tokenVersion) {
      throw new AppError('SESSION_REVOKED', 'This session has been signed out; log in again');
    }
    return principalOf(account);
  }

  /**
   * `current` when the cache can answer it at once and the session is in force; undefined
   * otherwise (not cached, or refused: `current` says why). For the check of every socket event.
   */
  currentIfCached(userId: string, tokenVersion: number): Principal | undefined {
    const account = this.accounts.peek(userId);
    if (!account || !account.active || account.tokenVersion !== tokenVersion) return undefined;
    return principalOf(account);
  }
}

function principalOf(account: AccountState): Principal {
  return { kind: 'user', id: account.id, name: account.username, roles: [...account.roles] };
}
