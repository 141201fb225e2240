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
      this.tokens.verify(token).then(
        (principal) => {
          socket.data.principal = principal;
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
    socket.emit('session.ready', this.session(socket));
    this.logger.debug({ user: principal.name, socket: socket.id }, 'socket connected');
  }

  @SubscribeMessage('session.whoami')
  whoami(@ConnectedSocket() socket: AppSocket): SessionInfo {
    if (!socket.data.principal) throw new AppError('UNAUTHENTICATED', 'Not authenticated');
    return this.session(socket);
  }

  private session(socket: AppSocket): SessionInfo {
    return {
      principal: socket.data.principal,
      rooms: [...socket.rooms].filter((r) => r !== socket.id),
      socketId: socket.id,
    };
  }
}
