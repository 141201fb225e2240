import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@/config/app-config';
import { createRedis, REDIS } from '@/redis/redis.module';

/**
 * What a process must forget: one user's account state, every API key, or (locally, after the
 * subscription was interrupted and messages may have been missed) everything.
 */
export type AccessInvalidation =
  { type: 'user'; userId: string } | { type: 'api-keys' } | { type: 'all' };

type Listener = (message: AccessInvalidation) => void;

/** A publish waits this long at most: a Redis outage must not hang the admin's request. */
const PUBLISH_TIMEOUT_MS = 2_000;

function parse(raw: string): AccessInvalidation | null {
  try {
    const value = JSON.parse(raw) as Partial<{ type: string; userId: unknown }>;
    if (value.type === 'user' && typeof value.userId === 'string') {
      return { type: 'user', userId: value.userId };
    }
    if (value.type === 'api-keys') return { type: 'api-keys' };
  } catch {
    // not ours
  }
  return null;
}

/**
 * Access caches (account state, API keys) live in each process for a few seconds; this tells
 * every process, over Redis pub/sub, to drop an entry the moment it changes. The publishing
 * process applies it to itself at once; a message lost while Redis is away is covered by the
 * caches' short lifetime, and every cache is dropped when the subscription comes back.
 */
@Injectable()
export class AccessInvalidationBus implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AccessInvalidation');
  private readonly listeners = new Set<Listener>();
  private readonly channel: string;
  private subscriber?: Redis;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    this.channel = `${config.redis.prefix}:access.invalidate`;
  }

  onInvalidate(listener: Listener): void {
    this.listeners.add(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.listeners.size === 0) return;
    const subscriber = createRedis(this.config, 'access-invalidation');
    this.subscriber = subscriber;
    let subscribedOnce = false;
    subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      const message = parse(raw);
      if (message) this.deliver(message);
    });
    // ioredis subscribes again by itself after a reconnect; what was published meanwhile is lost.
    subscriber.on('ready', () => {
      if (subscribedOnce) this.deliver({ type: 'all' });
    });
    subscriber.on('error', (err: Error) => this.logger.warn(`subscriber: ${err.message}`));
    await subscriber.subscribe(this.channel);
    subscribedOnce = true;
  }

  /** Applies the invalidation here at once, then tells the other processes. */
  async publish(message: Exclude<AccessInvalidation, { type: 'all' }>): Promise<void> {
    this.deliver(message);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis.publish(this.channel, JSON.stringify(message)),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), PUBLISH_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      this.logger.warn(
        `not published (other processes catch up when their cache expires): ${(err as Error).message}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private deliver(message: AccessInvalidation): void {
    for (const listener of this.listeners) listener(message);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
