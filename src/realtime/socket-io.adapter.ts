import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { RedisAdapter } from '@socket.io/redis-adapter';
import type { IncomingMessage } from 'node:http';
import type Redis from 'ioredis';
import type { Observable } from 'rxjs';
import { Namespace, Server, ServerOptions, Socket } from 'socket.io';
import { AppConfig } from '@/config/app-config';
import { createRedis, handlePublishFailures } from '@/redis/redis.module';
import { coalesceWrites } from '@/realtime/coalesced-writes';
import { withLiveHolds } from '@/realtime/live-hold';
import { dropOwnEcho } from '@/realtime/own-echo';

export function isOriginAllowed(
  origin: string | undefined,
  allowed: readonly string[],
  host?: string,
): boolean {
  // Server-side clients (connectors, tests, other services) send no Origin; browsers always do.
  if (origin === undefined) return true;
  // The web console is served by this process: its own origin needs no entry in the list.
  if (host !== undefined && sameHost(origin, host)) return true;
  return allowed.includes('*') || allowed.includes(origin);
}

function sameHost(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host;
  } catch {
    return false;
  }
}

export function socketIoKey(prefix: string): string {
  return `${prefix}:socket.io`;
}

/**
 * Redis pub/sub keeps nothing for a subscriber that is away: whatever other processes published
 * while this process's subscriber was reconnecting (including PUBLISHes their clients had held in
 * the offline queue and flushed before this one subscribed again) never arrives here. Once the
 * subscriber is back, its re-SUBSCRIBEs were sent before 'ready' fired; the PING answers after
 * Redis processed them, and from then on every publish reaches this process, so the sockets here
 * are told to ask for what they missed (`sync.required`, answered with `sync {since}`).
 */
export function resyncAfterResubscribe(sub: Redis, server: Server, logger: Logger): void {
  let subscribedBefore = false;
  sub.on('ready', () => {
    if (!subscribedBefore) {
      subscribedBefore = true;
      return;
    }
    sub.ping().then(
      () => {
        logger.warn('Redis subscriber reconnected: sockets of this process resync');
        server.local.emit('sync.required', { reason: 'redis-reconnected' });
      },
      (err: Error) => logger.warn(`Redis subscriber reconnected, ping failed: ${err.message}`),
    );
  });
}

/**
 * Socket.IO over websocket only (no long-polling, so no sticky sessions across API processes),
 * with the Redis adapter so rooms span processes, and the Origin allow-list checked before the
 * handshake is accepted.
 */
export class RealtimeIoAdapter extends IoAdapter {
  private readonly clients: Redis[] = [];
  private readonly logger = new Logger('Realtime');

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const allowed = this.config.realtime.corsOrigins;
    const server = super.createIOServer(port, {
      ...options,
      transports: ['websocket'],
      maxHttpBufferSize: this.config.realtime.maxMessageBytes,
      pingInterval: 20_000,
      pingTimeout: 20_000,
      cors: { origin: allowed, credentials: true },
      allowRequest: (
        req: IncomingMessage,
        callback: (err: string | null | undefined, ok: boolean) => void,
      ) => {
        callback(null, isOriginAllowed(req.headers.origin, allowed, req.headers.host));
      },
    }) as Server;
    server.engine.on('connection', coalesceWrites);
    const logger = this.logger;
    // Every room emit is a PUBLISH; pipelining sends those of one tick in one write, not one each
    // (in order: one connection, one pipeline after the other).
    const pub = handlePublishFailures(
      createRedis(this.config, 'socket.io-pub', { enableAutoPipelining: true }),
      logger,
      () => server.emit('sync.required', { reason: 'publish-lost' }),
    );
    const sub = pub.duplicate({
      connectionName: 'switchboard:socket.io-sub',
      enableAutoPipelining: false,
    });
    sub.on('error', (err: Error) => logger.debug(`socket.io subscriber: ${err.message}`));
    resyncAfterResubscribe(sub, server, logger);
    this.clients.push(pub, sub);
    const key = socketIoKey(this.config.redis.prefix);
    // Socket.IO calls this with `new`, hence a function rather than an arrow.
    server.adapter(function liveHoldingRedisAdapter(nsp: Namespace) {
      const adapter = new RedisAdapter(nsp, pub, sub, { key });
      dropOwnEcho(adapter, sub);
      return withLiveHolds(adapter);
    });
    return server;
  }

  /**
   * One plain listener per handled event. Nest's own binding builds an RxJS pipeline per event per
   * socket (fromEvent → mergeMap → takeUntil(disconnect), about 4 subscribers each): with 14
   * handled events that was most of what an idle socket held on the heap. Here a socket holds one
   * closure per event, and RxJS runs only per message, for the handler's result. Behaviour is
   * Nest's: the result is the ack (or an `{event, data}` emit), nothing is sent for null, and
   * nothing after the socket is gone (a late ack on a closed socket is dropped by Socket.IO).
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(String(message), (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]) as {
          data: unknown;
          ack?: unknown;
        };
        transform(callback(data, ack)).subscribe({
          next: (response) => {
            if (response === null || response === undefined) return;
            const emitted = response as { event?: string; data?: unknown };
            if (emitted.event) {
              socket.emit(emitted.event, emitted.data);
            } else if (!isAckHandledManually && typeof ack === 'function') {
              (ack as (res: unknown) => void)(response);
            }
          },
          error: (err: unknown) =>
            this.logger.error(
              { err: err instanceof Error ? err.message : String(err), event: String(message) },
              'socket handler failed outside its exception filter',
            ),
        });
      });
    }
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
