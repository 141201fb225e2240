import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Job, JobsOptions, Queue } from 'bullmq';
import Redis from 'ioredis';
import { loadConfig } from '@/config/app-config';
import { JOB_QUEUE } from '@/queue/job-catalogue';
import { JobProducer } from '@/queue/job-producer.service';
import { sleep, waitUntil } from '@test/bench/harness/clock';
import { summarise } from '@test/bench/harness/stats';
import { progress, serveCommands } from '@test/bench/load/protocol';

/**
 * Enqueues jobs and reads back what BullMQ recorded about them. Pickup latency is
 * `processedOn − timestamp`: `timestamp` is set by the producer when it adds the job and
 * `processedOn` by the worker's moveToActive when it takes it, both in milliseconds of the one
 * host clock, so no hook inside the worker is needed. End-to-end is `finishedOn − timestamp`.
 */
interface Target {
  queue: Queue;
  add(jobId: string): Promise<unknown>;
  close(): Promise<void>;
}

/** The options JobProducer gives every job, so the baseline stores the same per job. */
const SAME_AS_PRODUCER: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 86400 },
};

function appTarget(redisUrl: string, redisPrefix: string): Target {
  const producer = new JobProducer(loadConfig({ REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix }));
  const queue = producer.queue(JOB_QUEUE['auth.api-key-used']);
  return {
    queue,
    add: (jobId) =>
      producer.enqueue(
        'auth.api-key-used',
        { apiKeyId: randomUUID(), at: new Date().toISOString() },
        { jobId },
      ),
    close: () => producer.onApplicationShutdown(),
  };
}

function baselineTarget(redisUrl: string, prefix: string, queueName: string): Target {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection, prefix, defaultJobOptions: SAME_AS_PRODUCER });
  return {
    queue,
    add: (jobId) =>
      queue.add('noop', { apiKeyId: randomUUID(), at: new Date().toISOString() }, { jobId }),
    close: async () => {
      await queue.close();
      connection.disconnect();
    },
  };
}

/**
 * True once none of this run's jobs (ids starting with `tag`) waits, runs or waits for a retry.
 * The queue itself is never empty: a job scheduler (outbox.relay, every few seconds, on the
 * same maintenance queue) always keeps its next run in `delayed`, so counting the whole queue
 * would wait out the timeout on every phase.
 */
async function drained(queue: Queue, tag: string, timeoutMs: number): Promise<boolean> {
  return waitUntil(
    async () => {
      const c = await queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
      if (Object.values(c).some((n) => n > 0)) return false;
      const delayed = await queue.getRanges(['delayed'], 0, -1);
      return !delayed.some((id) => id.startsWith(tag));
    },
    timeoutMs,
    20,
  );
}

async function readJobs(queue: Queue, ids: string[]) {
  const jobs: (Job | undefined)[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    jobs.push(...(await Promise.all(ids.slice(i, i + 500).map((id) => Job.fromId(queue, id)))));
  }
  const done = jobs.filter((j): j is Job => j !== undefined && j.finishedOn !== undefined);
  return {
    found: jobs.filter(Boolean).length,
    /** Jobs that failed at least once (retried or given up); 0 expected. */
    withFailures: done.filter((j) => Boolean(j.failedReason)).length,
    pickup: done.map((j) => (j.processedOn ?? NaN) - j.timestamp),
    total: done.map((j) => j.finishedOn! - j.timestamp),
    firstEnqueued: Math.min(...done.map((j) => j.timestamp)),
    lastFinished: Math.max(...done.map((j) => j.finishedOn!)),
  };
}

interface RunArgs {
  mode: 'app' | 'baseline';
  redisUrl: string;
  redisPrefix: string;
  baselinePrefix: string;
  baselineQueue: string;
  steady: { rate: number; seconds: number };
  burst: { count: number; inFlight: number };
  tag: string;
}

/** Adds `rate` jobs a second for `seconds`, without waiting for one add before the next. */
async function paced(
  target: Target,
  prefix: string,
  rate: number,
  seconds: number,
  label: string,
): Promise<string[]> {
  const n = Math.round(rate * seconds);
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const pending: Promise<unknown>[] = [];
  const t0 = Date.now();
  const interval = 1000 / rate;
  let reported = 0;
  for (let i = 0; i < n;) {
    const now = Date.now();
    while (i < n && t0 + i * interval <= now) pending.push(target.add(ids[i++]));
    if (now - reported >= 1000) {
      reported = now;
      progress(`${label}: ${i}/${n}`);
    }
    await sleep(1);
  }
  await Promise.all(pending);
  return ids;
}

async function run(args: RunArgs) {
  const target =
    args.mode === 'app'
      ? appTarget(args.redisUrl, args.redisPrefix)
      : baselineTarget(args.redisUrl, args.baselinePrefix, args.baselineQueue);
  try {
    await target.queue.waitUntilReady();
    // Warm-up, not measured: one second at the steady rate, so that the steady figures are those
    // of a running worker, not of its first jobs (pool connections opened, code paths compiled).
    // Its pickup is reported apart.
    const warmIds = await paced(target, `${args.tag}-warm`, args.steady.rate, 1, 'warm-up');
    const warmDrained = await drained(target.queue, args.tag, 60_000);
    const warm = await readJobs(target.queue, warmIds);

    // Steady phase: a paced arrival rate well inside capacity, for pickup latency.
    const steadyIds = await paced(
      target,
      `${args.tag}-steady`,
      args.steady.rate,
      args.steady.seconds,
      'steady',
    );
    const n = steadyIds.length;
    const steadyDrained = await drained(target.queue, args.tag, 60_000);
    const steady = await readJobs(target.queue, steadyIds);

    // Burst phase: everything at once, for throughput.
    const burstIds = Array.from({ length: args.burst.count }, (_, i) => `${args.tag}-burst-${i}`);
    const addStarted = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: args.burst.inFlight }, async () => {
        while (next < burstIds.length) await target.add(burstIds[next++]);
      }),
    );
    const addMs = Date.now() - addStarted;
    progress(`${args.mode}: burst of ${args.burst.count} enqueued in ${addMs} ms`);
    const burstDrained = await drained(target.queue, args.tag, 120_000);
    const burst = await readJobs(target.queue, burstIds);
    const burstSpanMs = burst.lastFinished - burst.firstEnqueued;
    return {
      warmUp: {
        jobs: warmIds.length,
        drained: warmDrained,
        completed: warm.pickup.length,
        pickupMs: summarise(warm.pickup),
      },
      steady: {
        jobs: n,
        rate: args.steady.rate,
        drained: steadyDrained,
        found: steady.found,
        completed: steady.pickup.length,
        withFailures: steady.withFailures,
        pickupMs: summarise(steady.pickup),
        endToEndMs: summarise(steady.total),
      },
      burst: {
        jobs: args.burst.count,
        drained: burstDrained,
        found: burst.found,
        completed: burst.pickup.length,
        withFailures: burst.withFailures,
        enqueueMs: addMs,
        spanMs: burstSpanMs,
        jobsPerSecond: burst.pickup.length / (burstSpanMs / 1000),
        pickupMs: summarise(burst.pickup),
      },
    };
  } finally {
    await target.close();
  }
}

serveCommands({ run });
