import { Logger } from '@nestjs/common';
import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import { mapError } from '@/common/errors/error-mapper';
import { rooms } from '@/realtime/realtime.events';
import type { AppSocket } from '@/realtime/realtime.gateway';
import { UserEventsService } from '@/modules/notifications/delivery/user-events.service';

/** `auth.since` as sent by the client: a non-negative integer (a numeric string is accepted). */
export function parseSince(raw: unknown): number | null {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/**
 * Replays a reconnecting client's missed user events (`auth: {token, since}`), then tells it the
 * replay is over with `sync.done`. The handshake middleware has already authenticated.
 */
@WebSocketGateway()
export class DeliveryGateway implements OnGatewayConnection<AppSocket> {
  private readonly logger = new Logger('Delivery');

  constructor(private readonly events: UserEventsService) {}

  async handleConnection(socket: AppSocket): Promise<void> {
    const principal = socket.data.principal;
    if (principal?.kind !== 'user') return;
    const auth = socket.handshake.auth as Record<string, unknown> | undefined;
    const since = parseSince(auth?.since);
    try {
      // Joining is idempotent; doing it here, before the first read, is what guarantees that an
      // event committed after the replay's last page reaches this socket live.
      await socket.join(rooms.user(principal.id));
      if (since === null) {
        const lastSeq = await this.events.lastSeq(principal.id);
        socket.emit('sync.done', { since: null, lastSeq, replayed: 0, truncated: false });
        return;
      }
      const result = await this.events.replay(
        principal.id,
        since,
        (event) => {
          const emit = socket.emit.bind(socket) as (name: string, payload: unknown) => boolean;
          emit(event.name, event.payload);
        },
        () => socket.connected,
      );
      if (socket.connected) socket.emit('sync.done', { since, ...result });
    } catch (err) {
      // A client that cannot be brought up to date must not believe it is: drop it so it
      // reconnects with the same `since`.
      const mapped = mapError(err);
      this.logger.error({ err, errorId: mapped.body.errorId, user: principal.id }, 'replay failed');
      socket.disconnect(true);
    }
  }
}
