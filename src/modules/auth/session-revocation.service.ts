import { Injectable } from '@nestjs/common';
import { rooms } from '@/realtime/realtime.events';
import { RealtimePublisher } from '@/realtime/realtime.publisher';
import { AccessInvalidationBus } from '@/modules/auth/access-invalidation';
import type { SessionRevokedReason } from '@/modules/auth/sessions.events';

/**
 * After an account change is committed: every process forgets the account's cached state, so the
 * next request and socket event are checked against the new one, and the person's sockets in
 * every API process are told why and closed.
 */
@Injectable()
export class SessionRevocation {
  constructor(
    private readonly bus: AccessInvalidationBus,
    private readonly realtime: RealtimePublisher,
  ) {}

  /** With no reason (a reactivation, a new display name) only the cached state is dropped. */
  async accountChanged(userId: string, reason: SessionRevokedReason | null): Promise<void> {
    await this.bus.publish({ type: 'user', userId });
    if (reason === null) return;
    const room = rooms.user(userId);
    this.realtime.toRooms(room, 'session.revoked', { reason, at: new Date().toISOString() });
    this.realtime.disconnectRooms(room);
  }
}
