import { Logger, UseInterceptors, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { AppError } from '@/common/errors/app-error';
import { mapError } from '@/common/errors/error-mapper';
import { createValidationPipe } from '@/common/pipes/validation.pipe';
import { rooms } from '@/realtime/realtime.events';
import type { AppSocket } from '@/realtime/realtime.gateway';
import { holdLiveEvents, releaseLiveEvents } from '@/realtime/live-hold';
import { WsAckInterceptor } from '@/realtime/ws-ack.interceptor';
import type { SyncDoneEvent } from '@/modules/notifications/delivery/delivery.events';
import { SyncDto } from '@/modules/notifications/delivery/sync.dto';
import { UserEventsService } from '@/modules/notifications/delivery/user-events.service';

/** `auth.since` as sent by the client: a non-negative integer (a numeric string is accepted). */
export function parseSince(raw: unknown): number | null {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/**
 * Brings a client up to date: on connect (`auth: {token, since}`) and whenever it asks with
 * `sync {since}` (it saw a gap, or the server said `sync.required`). Each replay ends with
 * `sync.done`. One socket's replays run one after another, never interleaved.
 */
@WebSocketGateway()
@UseInterceptors(WsAckInterceptor)
@UsePipes(createValidationPipe())
export class DeliveryGateway implements OnGatewayConnection<AppSocket> {
  private readonly logger = new Logger('Delivery');
  private readonly turns = new WeakMap<AppSocket, Promise<unknown>>();

  constructor(private readonly events: UserEventsService) {}

  async handleConnection(socket: AppSocket): Promise<void> {
    const principal = socket.data.principal;
    if (principal?.kind !== 'user') return;
    const auth = socket.handshake.auth as Record<string, unknown> | undefined;
    try {
      await this.inTurn(socket, () => this.bringUpToDate(socket, parseSince(auth?.since)));
    } catch (err) {
      // A client that cannot be brought up to date must not believe it is: drop it so it
      // reconnects with the same `since`.
      const mapped = mapError(err);
      this.logger.error({ err, errorId: mapped.body.errorId, user: principal.id }, 'replay failed');
      socket.disconnect(true);
    }
  }

  @SubscribeMessage('sync')
  sync(@ConnectedSocket() socket: AppSocket, @MessageBody() body: SyncDto): Promise<SyncDoneEvent> {
    if (socket.data.principal?.kind !== 'user') {
      throw new AppError('FORBIDDEN', 'Only people have persisted events to sync');
    }
    return this.inTurn(socket, () => this.bringUpToDate(socket, body.since));
  }

  /**
   * Live events carrying a seq are held for this socket from before the join until `sync.done`
   * has gone out, then only those above what the replay sent follow: the client gets its events
   * in seq order even when another process publishes one in the middle of a long replay.
   */
  private async bringUpToDate(socket: AppSocket, since: number | null): Promise<SyncDoneEvent> {
    const userId = socket.data.principal.id;
    const hold = holdLiveEvents(socket);
    let through = Number.MAX_SAFE_INTEGER;
    try {
      // Joining is idempotent; doing it here, before the first read, is what guarantees that an
      // event committed after the replay's last page reaches this socket live.
      await socket.join(rooms.user(userId));
      let done: SyncDoneEvent;
      if (since === null) {
        const lastSeq = await this.events.lastSeq(userId);
        through = lastSeq;
        done = { since: null, lastSeq, replayed: 0, truncated: false };
      } else {
        const emit = socket.emit.bind(socket) as (name: string, payload: unknown) => boolean;
        const { through: sent, ...result } = await this.events.replay(
          userId,
          since,
          (event) => emit(event.name, event.payload),
          () => socket.connected,
          () => hold.highestSeq(),
        );
        through = sent;
        done = { since, ...result };
      }
      if (socket.connected) socket.emit('sync.done', done);
      return done;
    } finally {
      // After a failure what was held is dropped, not sent out of order: it is stored, and the
      // client asks again from its last seq (or reconnects with it).
      releaseLiveEvents(socket, through);
    }
  }

  private inTurn<T>(socket: AppSocket, work: () => Promise<T>): Promise<T> {
    const previous = this.turns.get(socket) ?? Promise.resolve();
    const next = previous.then(work);
    this.turns.set(
      socket,
      next.catch(() => undefined),
    );
    return next;
  }
}
