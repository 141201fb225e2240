import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@/config/app-config';
import { AppError } from '@/common/errors/app-error';
import { REDIS } from '@/redis/redis.module';

/**
 * Fixed one-minute window per username and address, shared by every API process via Redis. Only
 * failed attempts count: each attempt takes a slot before the password is checked (so parallel
 * guesses cannot slip past the limit together) and a successful one gives it back.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /** Takes a slot or throws RATE_LIMITED; returns the slot to hand to {@link forgive}. */
  async hit(username: string, address: string): Promise<string> {
    const window = Math.floor(Date.now() / 60_000);
    const key = `${this.config.redis.prefix}:login:${window}:${username}:${address}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, 61).exec()) as [
      [null, number],
      unknown,
    ];
    if (count > this.config.auth.loginAttemptsPerMinute) {
      throw new AppError('RATE_LIMITED', 'Too many log-in attempts; wait a minute and try again');
    }
    return key;
  }

  /** A successful log-in does not count against the limit. */
  async forgive(slot: string): Promise<void> {
    await this.redis.decr(slot);
  }
}
