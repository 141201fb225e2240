import type { Comparison, Scenario } from '@test/bench/harness/scenario';
import { perCall, sampleAll } from '@test/bench/harness/probe';
import { LatencySummary, ratio, round } from '@test/bench/harness/stats';

interface JobsRun {
  /** The first second of jobs after the worker started, not in the comparisons. */
  warmUp: { jobs: number; drained: boolean; completed: number; pickupMs: LatencySummary | null };
  steady: {
    jobs: number;
    rate: number;
    drained: boolean;
    found: number;
    completed: number;
    withFailures: number;
    pickupMs: LatencySummary | null;
    endToEndMs: LatencySummary | null;
  };
  burst: {
    jobs: number;
    drained: boolean;
    found: number;
    completed: number;
    withFailures: number;
    enqueueMs: number;
    spanMs: number;
    jobsPerSecond: number;
    pickupMs: LatencySummary | null;
  };
}

/** Same concurrency as the real worker's default (WORKER_CONCURRENCY). */
const CONCURRENCY = 32;

export const jobsScenario: Scenario = {
  name: 'jobs',
  title: 'BullMQ job pickup latency and throughput in the worker process',
  async run(ctx) {
    const params = {
      job: 'auth.api-key-used',
      steady: ctx.quick ? { rate: 200, seconds: 3 } : { rate: 500, seconds: 20 },
      burst: { count: ctx.quick ? 2_000 : 10_000, inFlight: 200 },
      workerConcurrency: CONCURRENCY,
      method:
        'one second of jobs at the steady rate first, to warm the worker up (its pickup reported apart); pickup = processedOn − timestamp as BullMQ records them (set by the producer on add and by the worker when it moves the job to active); end-to-end = finishedOn − timestamp; throughput = completed jobs ÷ (last finishedOn − first timestamp) of a burst enqueued at once',
    };
    const producer = ctx.fork('load/jobs-producer', 'jobs-producer');
    try {
      // The system: the real worker process, jobs enqueued through JobProducer.
      const worker = await ctx.worker();
      ctx.progress(
        `app: ${params.steady.rate} jobs/s for ${params.steady.seconds} s, then a burst of ${params.burst.count}`,
      );
      const common = {
        redisUrl: ctx.sut.redisUrl,
        redisPrefix: ctx.sut.redisPrefix,
        baselinePrefix: `${ctx.sut.redisPrefix}:baseline-bull`,
        baselineQueue: 'bench-noop',
        steady: params.steady,
        burst: params.burst,
      };
      const windowStart = await sampleAll([worker]);
      const app = await producer.request<JobsRun>(
        'run',
        { ...common, mode: 'app', tag: `app-${ctx.runId}` },
        600_000,
      );
      const windowEnd = await sampleAll([worker]);
      // The worker's own cost per job over both phases (its scheduled jobs included, a few).
      const perJob = perCall(
        windowStart,
        windowEnd,
        app.warmUp.completed + app.steady.completed + app.burst.completed,
      );

      // The baseline: a no-op BullMQ worker on another queue in the same Redis.
      const noop = ctx.fork('baselines/noop-worker', 'noop-worker');
      let baseline: JobsRun;
      let baselineCpuMsPerJob: number | null = null;
      try {
        await noop.request('start', {
          redisUrl: ctx.sut.redisUrl,
          prefix: common.baselinePrefix,
          queue: common.baselineQueue,
          concurrency: CONCURRENCY,
        });
        ctx.progress('baseline: the same against a no-op BullMQ worker');
        const cpuBefore = await noop.request<{ cpuUs: number }>('usage', {});
        baseline = await producer.request<JobsRun>(
          'run',
          { ...common, mode: 'baseline', tag: `base-${ctx.runId}` },
          600_000,
        );
        const cpuAfter = await noop.request<{ cpuUs: number }>('usage', {});
        const jobs =
          baseline.warmUp.completed + baseline.steady.completed + baseline.burst.completed;
        baselineCpuMsPerJob =
          jobs > 0 ? round((cpuAfter.cpuUs - cpuBefore.cpuUs) / 1000 / jobs, 2) : null;
        await noop.request('stop', {}, 30_000);
      } finally {
        await noop.stop();
      }

      const row = (
        metric: string,
        unit: string,
        a: number | null | undefined,
        b: number | null | undefined,
        better: 'lower' | 'higher',
      ): Comparison => ({
        metric,
        unit,
        app: a ?? null,
        baseline: b ?? null,
        ratio: ratio(a, b),
        better,
      });
      const comparisons = [
        row(
          `pickup p50 at ${params.steady.rate} jobs/s`,
          'ms',
          app.steady.pickupMs?.p50,
          baseline.steady.pickupMs?.p50,
          'lower',
        ),
        row(
          `pickup p99 at ${params.steady.rate} jobs/s`,
          'ms',
          app.steady.pickupMs?.p99,
          baseline.steady.pickupMs?.p99,
          'lower',
        ),
        row(
          'pickup mean',
          'ms',
          app.steady.pickupMs?.mean,
          baseline.steady.pickupMs?.mean,
          'lower',
        ),
        row(
          'enqueue → completed p99',
          'ms',
          app.steady.endToEndMs?.p99,
          baseline.steady.endToEndMs?.p99,
          'lower',
        ),
        row(
          `throughput, burst of ${params.burst.count}`,
          'jobs/s',
          round(app.burst.jobsPerSecond, 0),
          round(baseline.burst.jobsPerSecond, 0),
          'higher',
        ),
      ];
      const notes: string[] = [];
      for (const [side, r] of [
        ['app', app],
        ['baseline', baseline],
      ] as const) {
        const lost = r.steady.jobs - r.steady.completed + (r.burst.jobs - r.burst.completed);
        if (lost > 0 || !r.steady.drained || !r.burst.drained) {
          notes.push(
            `${side}: ${lost} jobs not completed when read back (drained: steady ${r.steady.drained}, burst ${r.burst.drained}).`,
          );
        }
        if (r.steady.withFailures + r.burst.withFailures > 0) {
          notes.push(
            `${side}: ${r.steady.withFailures + r.burst.withFailures} jobs failed at least once.`,
          );
        }
      }
      notes.push(
        `Method: ${params.method}. BullMQ stores times in whole milliseconds, so sub-millisecond pickups read as 0 (the mean keeps the fraction). No feature issue sets a target for jobs; the figures stand beside the no-op baseline.`,
      );
      notes.push(
        `Warm-up (first ${app.warmUp.jobs} jobs after the worker started, not compared): pickup p99 ${app.warmUp.pickupMs?.p99 ?? '?'} ms (baseline ${baseline.warmUp.pickupMs?.p99 ?? '?'} ms).`,
      );
      if (perJob) {
        notes.push(
          `Worker per job (all phases): ${perJob.statements} SQL statements, ${perJob.redisCommands} Redis commands in ${perJob.redisRoundTrips} round trips, ${perJob.cpuMs} ms CPU (no-op baseline worker: ${baselineCpuMsPerJob ?? '?'} ms CPU).`,
        );
      }
      return {
        status: 'ok',
        params,
        comparisons,
        figures: {
          app: { ...app, workerPerJob: perJob },
          baseline: { ...baseline, cpuMsPerJob: baselineCpuMsPerJob },
        },
        targets: [],
        notes,
      };
    } finally {
      await producer.stop();
    }
  },
};
