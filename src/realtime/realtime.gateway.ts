import { Inject, Logger, UseInterceptors, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { mapError } from '@/common/errors/error-mapper';
import { AppError } from '@/common/errors/app-error';
import { createValidationPipe } from '@/common/pipes/validation.pipe';
import { TokenService } from '@/modules/auth/token.service';
import {
  ClientToServerEvents,
  rooms,
  ServerToClientEvents,
  SessionInfo,
  SocketData,
} from '@/realtime/realtime.events';
import { ServerHolder, SOCKET_SERVER } from '@/realtime/realtime.publisher';
import { WsAckInterceptor } from '@/realtime/ws-ack.interceptor';

/** Refusals that end a socket's session; anything else (a database hiccup) refuses one event. */
const ENDS_SESSION = new Set<string>(['SESSION_REVOKED', 'ACCOUNT_INACTIVE', 'UNAUTHENTICATED']);

export type AppServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export type AppSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/**
 * Authenticates in a Socket.IO middleware (Nest guards do not run on connect), joins the user's
 * and role rooms, and leaves everything else to feature services.
 */
@WebSocketGateway()
@UseInterceptors(WsAckInterceptor)
@UsePipes(createValidationPipe())
export class RealtimeGateway implements OnGatewayInit<AppServer>, OnGatewayConnection<AppSocket> {
  private readonly logger = new Logger('Realtime');

  constructor(
    private readonly tokens: TokenService,
    @Inject(SOCKET_SERVER) private readonly holder: ServerHolder,
  ) {}

  afterInit(server: AppServer): void {
    this.holder.server = server;
    server.use((socket, next) => {
      const auth = socket.handshake.auth as Record<string, unknown> | undefined;
      const token = typeof auth?.token === 'string' ? auth.token : undefined;
      if (!token) {
        next(
          Object.assign(new Error('UNAUTHENTICATED'), {
            data: { code: 'UNAUTHENTICATED', message: 'auth.token is required' },
          }),
        );
        return;
      }
      this.tokens.authenticate(token).then(
        ({ principal, tokenVersion }) => {
          socket.data.principal = principal;
          socket.data.tokenVersion = tokenVersion;
          this.checkEveryEvent(socket);
          next();
        },
        (err: unknown) => {
          const body = mapError(err).body;
          next(Object.assign(new Error(String(body.code)), { data: body }));
        },
      );
    });
  }

  async handleConnection(socket: AppSocket): Promise<void> {
    const principal = socket.data.principal;
    await socket.join([
      rooms.user(principal.id),
      ...principal.roles.map((role) => rooms.role(role)),
    ]);
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      // Nest registers a listener per handled event; anything else would otherwise go unanswered.
      if (typeof ack === 'function' && (socket as Socket).listeners(event).length === 0) {
        (ack as (res: unknown) => void)({
          ok: false,
          error: { code: 'UNKNOWN_EVENT', message: `Unknown event '${event}'` },
        });
      }
    });
    // A revocation broadcast while this socket was between its handshake and its rooms missed it.
    if (!(await this.stillInForce(socket))) return;
    socket.emit('session.ready', this.session(socket));
    this.logger.debug({ user: principal.name, socket: socket.id }, 'socket connected');
  }

  @SubscribeMessage('session.whoami')
  whoami(@ConnectedSocket() socket: AppSocket): SessionInfo {
    if (!socket.data.principal) throw new AppError('UNAUTHENTICATED', 'Not authenticated');
    return this.session(socket);
  }

  /**
   * Every event is checked against the account as it is now (cached for a few seconds, dropped at
   * once on a change): after a deactivation, password change or "sign out everywhere" it is
   * refused and the socket closed, and the principal's roles are the current ones. One check at a
   * time per socket, so events keep their order.
   */
  private checkEveryEvent(socket: AppSocket): void {
    let previous: Promise<unknown> = Promise.resolve();
    let waiting = 0;
    socket.use((packet, next) => {
      if (waiting === 0) {
        // The account is in the cache and no earlier event waits: checked now, with no promise.
        const cached = this.tokens.currentIfCached(
          socket.data.principal.id,
          socket.data.tokenVersion,
        );
        if (cached) {
          socket.data.principal = cached;
          next();
          return;
        }
      }
      waiting++;
      const check = previous.then(() =>
        this.tokens.current(socket.data.principal.id, socket.data.tokenVersion),
      );
      previous = check.catch(() => undefined);
      check.then(
        (principal) => {
          waiting--;
          socket.data.principal = principal;
          next();
        },
        (err: unknown) => {
          waiting--;
          const body = mapError(err).body;
          const ack: unknown = packet[packet.length - 1];
          if (typeof ack === 'function')
            (ack as (res: unknown) => void)({ ok: false, error: body });
          if (ENDS_SESSION.has(body.code)) socket.disconnect(true);
        },
      );
    });
  }

  private async stillInForce(socket: AppSocket): Promise<boolean> {
    try {
      socket.data.principal = await this.tokens.current(
        socket.data.principal.id,
        socket.data.tokenVersion,
      );
      return true;
    } catch (err) {
      if (!ENDS_SESSION.has(mapError(err).body.code)) return true;
      socket.disconnect(true);
      return false;
    }
  }

  private session(socket: AppSocket): SessionInfo {
    return {
      principal: socket.data.principal,
      rooms: [...socket.rooms].filter((r) => r !== socket.id),
      socketId: socket.id,
    };
  }
}
