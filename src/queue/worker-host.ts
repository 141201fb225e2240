import { MikroORM, RequestContext } from '@mikro-orm/core';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Job, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { AppConfig } from '@/config/app-config';
import { createRedis } from '@/redis/redis.module';
import { JOB_HANDLER_METADATA } from '@/queue/job-handler.decorator';
import { JOB_NAMES, JOB_QUEUE, JobName, QueueName } from '@/queue/job-catalogue';

type Handler = (job: Job) => Promise<unknown>;

/**
 * Finds every @JobHandler in the worker process, starts one BullMQ worker per queue and runs
 * each job in its own MikroORM context. Refuses to start if a catalogued job has no handler.
 */
@Injectable()
export class WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('WorkerHost');
  private readonly workers: Worker[] = [];
  /** BullMQ does not close a connection it was given; these are closed after the workers. */
  private readonly connections: Redis[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly orm: MikroORM,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const handlers = this.collectHandlers();
    const missing = JOB_NAMES.filter((name) => !handlers.has(name));
    if (missing.length > 0) {
      throw new Error(`No processor registered for job(s): ${missing.join(', ')}`);
    }
    const byQueue = new Map<QueueName, Map<JobName, Handler>>();
    for (const [name, handler] of handlers) {
      const queue = JOB_QUEUE[name];
      if (!byQueue.has(queue)) byQueue.set(queue, new Map());
      byQueue.get(queue)!.set(name, handler);
    }
    for (const [queue, queueHandlers] of byQueue) {
      const connection = createRedis(this.config, `worker:${queue}`);
      this.connections.push(connection);
      const worker = new Worker(queue, (job) => this.run(queueHandlers, job), {
        connection,
        prefix: `${this.config.redis.prefix}:bull`,
        concurrency: this.config.worker.concurrency,
      });
      worker.on('failed', (job, err) =>
        this.logger.warn(
          { queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message },
          'job failed',
        ),
      );
      worker.on('error', (err) => this.logger.error({ queue, err: err.message }, 'worker error'));
      this.workers.push(worker);
    }
    this.logger.log(`processing queues: ${[...byQueue.keys()].join(', ')}`);
  }

  private async run(handlers: Map<JobName, Handler>, job: Job): Promise<unknown> {
    const handler = handlers.get(job.name as JobName);
    if (!handler) throw new Error(`Job ${job.name} has no handler in this queue`);
    return RequestContext.create(this.orm.em, () => handler(job));
  }

  private collectHandlers(): Map<JobName, Handler> {
    const found = new Map<JobName, Handler>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const name = this.reflector.get<JobName | undefined>(JOB_HANDLER_METADATA, fn);
        if (!name) continue;
        if (found.has(name)) throw new Error(`Job ${name} has two processors`);
        found.set(name, (job: Job) => (fn as Handler).call(instance, job));
      }
    }
    return found;
  }

  /**
   * Waits for jobs in progress to finish (BullMQ close is graceful by default) before any
   * shutdown hook closes what they use: the pool, the producer, the socket emitter.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.connections.map((connection) => connection.quit().catch(() => connection.disconnect())),
    );
  }
}
