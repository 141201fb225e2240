import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '@/config/app-config';

export const REDIS = Symbol('REDIS');

/** One shared command connection; subscribers and BullMQ workers make their own duplicates. */
export function createRedis(config: AppConfig, name: string, options: RedisOptions = {}): Redis {
  return new Redis(config.redis.url, {
    connectionName: `switchboard:${name}`,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    ...options,
  });
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
