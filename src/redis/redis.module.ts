import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '@/config/app-config';

export const REDIS = Symbol('REDIS');

/** One shared command connection; subscribers and BullMQ workers make their own duplicates. */
export function createRedis(config: AppConfig, name: string, options: RedisOptions = {}): Redis {
  const client = new Redis(config.redis.url, {
    connectionName: `switchboard:${name}`,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    ...options,
  });
  // Without an 'error' listener ioredis prints every failed reconnect as "[ioredis] Unhandled
  // error event". One line when the connection is lost, one when it is back.
  const logger = new Logger(`Redis ${name}`);
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn(`connection lost (${err.message}); reconnecting`);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log('connection back');
  });
  return client;
}

@Global()
@Module({
  providers: [
    { provide: REDIS, inject: [AppConfig], useFactory: (c: AppConfig) => createRedis(c, 'main') },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * The Socket.IO Redis adapter and emitter call PUBLISH without handling its promise, so a
 * PUBLISH on a connection that is closing (an emit racing a shutdown) would be an unhandled
 * rejection, which ends the process. Here it is logged instead. A PUBLISH can also fail while the
 * process lives on (an auto-pipelined batch half answered when the connection dropped is aborted,
 * not resent): `onLost` runs once the connection is ready again, so the caller can tell the
 * sockets that may have missed events to resync (`sync.required`).
 */
export function handlePublishFailures(
  client: Redis,
  logger: Logger,
  onLost: () => void = () => undefined,
): Redis {
  let lost = false;
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    onLost();
  });
  // Reconnection failures are reported by the adapter's own listener; without one of ours
  // ioredis would also print them as unhandled.
  client.on('error', (err: Error) => logger.debug(`socket event connection: ${err.message}`));
  const publish = client.publish.bind(client) as (...args: unknown[]) => Promise<number>;
  (client as unknown as { publish: (...args: unknown[]) => Promise<number> }).publish = (
    ...args: unknown[]
  ) => {
    const sent = publish(...args);
    sent.catch((err: Error) => {
      lost = true;
      logger.warn(`socket event not published: ${err.message}`);
    });
    return sent;
  };
  return client;
}
