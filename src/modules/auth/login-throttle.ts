import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@/config/app-config';
import { AppError } from '@/common/errors/app-error';
import { REDIS } from '@/redis/redis.module';

/** Fixed one-minute window per username and address, shared by every API process via Redis. */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async hit(username: string, address: string): Promise<void> {
    const window = Math.floor(Date.now() / 60_000);
    const key = `${this.config.redis.prefix}:login:${window}:${username}:${address}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, 61).exec()) as [
      [null, number],
      unknown,
    ];
    if (count > this.config.auth.loginAttemptsPerMinute) {
      throw new AppError('RATE_LIMITED', 'Too many log-in attempts; wait a minute and try again');
    }
  }
}
