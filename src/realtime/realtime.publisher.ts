import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import type Redis from 'ioredis';
import type { Server } from 'socket.io';
import { AppConfig } from '@/config/app-config';
import { createRedis, handlePublishFailures } from '@/redis/redis.module';
import type { ServerToClientEvents } from '@/realtime/realtime.events';
import { socketIoKey } from '@/realtime/socket-io.adapter';

export const SOCKET_SERVER = Symbol('SOCKET_SERVER');

export interface ServerHolder {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the holder accepts the gateway's fully typed server
  server?: Server<any, ServerToClientEvents, any, any>;
}

/**
 * The one way features send socket events. In the API process it goes through the local server
 * (which relays to other API processes through the Redis adapter); in the worker, which holds no
 * sockets, through the Redis emitter.
 */
@Injectable()
export class RealtimePublisher implements OnApplicationShutdown {
  private emitter?: Emitter<ServerToClientEvents>;
  private emitterRedis?: Redis;

  constructor(
    private readonly config: AppConfig,
    @Optional() @Inject(SOCKET_SERVER) private readonly holder?: ServerHolder,
  ) {}

  toRooms<E extends keyof ServerToClientEvents>(
    rooms: string | string[],
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    const server = this.holder?.server;
    if (server) {
      server.to(rooms).emit(event, ...args);
      return;
    }
    this.ensureEmitter()
      .to(rooms)
      .emit(event, ...args);
  }

  /** Closes every socket in the rooms, in every API process (a person's sessions, say). */
  disconnectRooms(rooms: string | string[]): void {
    const server = this.holder?.server;
    if (server) {
      server.in(rooms).disconnectSockets(true);
      return;
    }
    this.ensureEmitter().in(rooms).disconnectSockets(true);
  }

  private ensureEmitter(): Emitter<ServerToClientEvents> {
    if (!this.emitter) {
      // Pipelined: a broadcast's thousand PUBLISHes leave in one write per tick, not one syscall
      // each, in order (one connection). That a publish now leaves after the caller returns is
      // harmless to the delivery contract: a replaying socket holds live events (live-hold.ts).
      this.emitterRedis = handlePublishFailures(
        createRedis(this.config, 'socket.io-emitter', { enableAutoPipelining: true }),
        new Logger('Realtime'),
        // A lost PUBLISH may have carried someone's event: every socket resyncs.
        () => this.emitter?.emit('sync.required', { reason: 'publish-lost' }),
      );
      this.emitter = new Emitter<ServerToClientEvents>(this.emitterRedis, {
        key: socketIoKey(this.config.redis.prefix),
      });
    }
    return this.emitter;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.emitterRedis?.quit().catch(() => this.emitterRedis?.disconnect());
  }
}
