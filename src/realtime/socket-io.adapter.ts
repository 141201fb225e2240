import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { IncomingMessage } from 'node:http';
import type Redis from 'ioredis';
import { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '@/config/app-config';
import { createRedis, handlePublishFailures } from '@/redis/redis.module';

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
 * Socket.IO over websocket only (no long-polling, so no sticky sessions across API processes),
 * with the Redis adapter so rooms span processes, and the Origin allow-list checked before the
 * handshake is accepted.
 */
export class RealtimeIoAdapter extends IoAdapter {
  private readonly clients: Redis[] = [];

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
    // Every room emit is a PUBLISH; pipelining sends those of one tick in one write, not one each.
    const pub = handlePublishFailures(
      createRedis(this.config, 'socket.io-pub', { enableAutoPipelining: true }),
      new Logger('Realtime'),
    );
    const sub = pub.duplicate({
      connectionName: 'switchboard:socket.io-sub',
      enableAutoPipelining: false,
    });
    this.clients.push(pub, sub);
    server.adapter(createAdapter(pub, sub, { key: socketIoKey(this.config.redis.prefix) }));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
