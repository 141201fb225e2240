import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { AppConfig } from '@/config/app-config';
import { createRedis } from '@/redis/redis.module';
import { JOB_QUEUE, JobName, JobPayloads, QUEUES, QueueName } from '@/queue/job-catalogue';

const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 86400 },
};

/** Typed access to the queues for any process that produces jobs. */
@Injectable()
export class JobProducer implements OnApplicationShutdown {
  private readonly logger = new Logger('JobProducer');
  private readonly queues = new Map<QueueName, Queue>();
  private readonly connection;

  constructor(private readonly config: AppConfig) {
    this.connection = createRedis(config, 'queue-producer');
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.connection,
        prefix: `${this.config.redis.prefix}:bull`,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      // A queue re-emits its connection's errors; with no listener an 'error' event throws and
      // would take the process down (seen as "Connection is closed" during a shutdown). The
      // connection reconnects by itself; a failed enqueue still rejects to its caller.
      queue.on('error', (err) => this.logger.warn(`queue ${name}: ${err.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  allQueues(): Queue[] {
    return Object.values(QUEUES).map((name) => this.queue(name));
  }

  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: JobsOptions = {},
  ): Promise<void> {
    await this.queue(JOB_QUEUE[name]).add(name, payload, options);
  }

  /**
   * Removes a waiting or delayed job by id; a job already running, or gone, is left alone (its
   * processor must cope with a moved target anyway). True when one was removed.
   */
  async remove(name: JobName, jobId: string): Promise<boolean> {
    try {
      return (await this.queue(JOB_QUEUE[name]).remove(jobId)) === 1;
    } catch (err) {
      this.logger.warn(`could not remove job ${jobId}: ${(err as Error).message}`);
      return false;
    }
  }

  /**
   * A job every `everyMs`: one scheduler per job name, so every process may upsert it at boot
   * and the job still runs once per period.
   */
  async repeat<N extends JobName>(
    name: N,
    everyMs: number,
    payload: JobPayloads[N],
    options?: JobsOptions,
  ): Promise<void> {
    await this.queue(JOB_QUEUE[name]).upsertJobScheduler(
      name,
      { every: everyMs },
      { name, data: payload, ...(options ? { opts: options } : {}) },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
