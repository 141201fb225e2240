import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { OutboxCounts, OutboxRepository } from '@/outbox/outbox.repository';
import { AppConfig } from '@/config/app-config';
import { ConnectorStatus, connectorStatusKey } from '@/modules/pbx/ami/connector-status';
import { JobProducer } from '@/queue/job-producer.service';
import { REDIS } from '@/redis/redis.module';

export interface CheckResult {
  status: 'up' | 'down';
  latencyMs?: number;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: {
    postgres: CheckResult;
    redis: CheckResult;
    queues: CheckResult & { queues?: Record<string, QueueHealth> };
    /**
     * The Asterisk connector as its process last reported it (absent when none runs). Reported,
     * not judged: a PBX refusing the log-in degrades telephony, not this API.
     */
    connector?: ConnectorStatus;
  };
  /**
   * After-commit reactions not delivered yet, and dead letters (every attempt failed). Shown,
   * not judged: a backlog says the worker's relay is behind, not that this process is down.
   */
  outbox?: OutboxCounts;
}

interface QueueHealth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  workers: number;
}

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(
        () => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      ).unref(),
    ),
  ]);
}

async function check<T>(fn: () => Promise<T>): Promise<CheckResult & { value?: T }> {
  const started = performance.now();
  try {
    const value = await withTimeout(fn());
    return { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10, value };
  } catch (err) {
    return { status: 'down', error: err instanceof Error ? err.message : String(err) };
  }
}

@Injectable()
export class HealthService {
  constructor(
    private readonly em: EntityManager,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly jobs: JobProducer,
    private readonly outbox: OutboxRepository,
    private readonly config: AppConfig,
  ) {}

  async report(): Promise<HealthReport> {
    const [postgres, redis, queues, outbox] = await Promise.all([
      check(() => this.em.getConnection().execute('select 1')),
      check(() => this.redis.ping()),
      check(async () => {
        const out: Record<string, QueueHealth> = {};
        for (const queue of this.jobs.allQueues()) {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
          out[queue.name] = {
            waiting: counts.waiting ?? 0,
            active: counts.active ?? 0,
            delayed: counts.delayed ?? 0,
            failed: counts.failed ?? 0,
            workers: await queue.getWorkersCount(),
          };
        }
        return out;
      }),
      check(() => this.outbox.counts()),
    ]);
    const { value: queueDetail, ...queueCheck } = queues;
    const pgCheck: CheckResult = {
      status: postgres.status,
      latencyMs: postgres.latencyMs,
      error: postgres.error,
    };
    const redisCheck: CheckResult = {
      status: redis.status,
      latencyMs: redis.latencyMs,
      error: redis.error,
    };
    const allUp = [postgres, redis, queues].every((c) => c.status === 'up');
    const connector = await this.connector();
    return {
      status: allUp ? 'ok' : 'degraded',
      checks: {
        postgres: pgCheck,
        redis: redisCheck,
        queues: { ...queueCheck, queues: queueDetail },
        ...(connector ? { connector } : {}),
      },
      ...(outbox.value ? { outbox: outbox.value } : {}),
    };
  }

  private async connector(): Promise<ConnectorStatus | null> {
    try {
      const raw = await withTimeout(this.redis.get(connectorStatusKey(this.config.redis.prefix)));
      return raw === null ? null : (JSON.parse(raw) as ConnectorStatus);
    } catch {
      return null;
    }
  }
}
