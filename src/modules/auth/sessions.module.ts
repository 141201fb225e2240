import { Module } from '@nestjs/common';
import { AccessInvalidationBus } from '@/modules/auth/access-invalidation';
import { AccountStateCache } from '@/modules/auth/account-state.cache';
import { SessionRevocation } from '@/modules/auth/session-revocation.service';

/**
 * What the staff feature needs to end sessions when an account changes, and the auth feature to
 * check them; a module of its own so staff does not import the whole auth feature.
 */
@Module({
  providers: [AccessInvalidationBus, AccountStateCache, SessionRevocation],
  exports: [AccessInvalidationBus, AccountStateCache, SessionRevocation],
})
export class SessionsModule {}
