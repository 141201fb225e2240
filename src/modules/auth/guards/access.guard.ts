import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_METADATA, AccessRule, AuthenticatedRequest } from '@/common/auth/access.decorator';
import { hasAnyRole } from '@/common/auth/roles';
import { AppError } from '@/common/errors/app-error';
import { AuthService } from '@/modules/auth/auth.service';
import { TokenService } from '@/modules/auth/token.service';

/**
 * Global guard for HTTP routes. A route must declare @Public, @Authenticated or @Roles; one that
 * declares nothing is refused, so forgetting a declaration fails closed.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new AppError('FORBIDDEN', 'This route declares no access rule');
    if (rule.kind === 'public') return true;

    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    const apiKey = req.headers['x-api-key'];
    if (typeof header === 'string' && header.startsWith('Bearer ')) {
      req.principal = (
        await this.tokens.authenticate(header.slice('Bearer '.length).trim())
      ).principal;
    } else if (typeof apiKey === 'string' && apiKey.length > 0) {
      req.principal = await this.auth.authenticateApiKey(apiKey);
    } else {
      throw new AppError(
        'UNAUTHENTICATED',
        'Send a bearer token (Authorization header) or an X-API-Key',
      );
    }
    if (rule.kind === 'authenticated' && req.principal.kind === 'user') return true;
    if (rule.kind === 'roles' && hasAnyRole(req.principal, rule.roles)) return true;
    throw new AppError('FORBIDDEN', 'Your role may not call this route');
  }
}
