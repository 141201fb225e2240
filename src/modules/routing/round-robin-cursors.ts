import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@/config/app-config';
import { REDIS } from '@/redis/redis.module';
import { RoundRobinCursors } from '@/modules/routing/routing-pipeline';
import type { WorkItem } from '@/modules/routing/routing.types';

/** In Redis, so every API process and worker continues from the same person; kept a day. */
@Injectable()
export class RedisRoundRobinCursors extends RoundRobinCursors {
  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    super();
  }

  get(kind: WorkItem['kind'], queueId: string): Promise<string | null> {
    return this.redis.get(this.key(kind, queueId));
  }

  async set(kind: WorkItem['kind'], queueId: string, staffId: string): Promise<void> {
    await this.redis.set(this.key(kind, queueId), staffId, 'EX', 86400);
  }

  private key(kind: WorkItem['kind'], queueId: string): string {
    const name = kind === 'call' ? 'rr' : 'rr-requests';
    return `${this.config.redis.prefix}:routing:${name}:${queueId}`;
  }
}
