import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { Pool } from 'pg';
import { loadConfig } from '@/config/app-config';
import { buildOrmOptions } from '@/database/orm-options';
import type { StatsLivePayload } from '@/modules/stats/dto/live.dto';
import { LiveStatsService } from '@/modules/stats/live/live-stats.service';
import { bucketOf } from '@/modules/stats/kpi/time-buckets';
import { StatsEventBus } from '@/modules/stats/stats.events';
import { RealtimePublisher } from '@/realtime/realtime.publisher';
import { createRedis } from '@/redis/redis.module';
import {
  LiveLineRow,
  liveLinesSql,
  LiveQueueRow,
  liveQueuesSql,
} from '@test/bench/baselines/stats-sql';
import { progress, serveCommands } from '@test/bench/load/protocol';

/**
 * Times the live tick the worker runs for `stats.live-tick` (LiveStatsService.tick: the
 * snapshot, its publication to the supervisors' room through the Redis emitter, the threshold
 * check in Redis), built from the same sources as dist/ and wired as the worker wires it (less
 * the notifications listener: breaches are only raised by the first, warm-up tick), beside a
 * hand-written SQL computation of the same figures. Runs alternate so noise hits both alike.
 */
interface RunArgs {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** The instant the ticks are computed for. */
  now: string;
  timeZone: string;
  runs: number;
  warmup: number;
}

export interface LiveRun {
  tickMs: number[];
  snapshotMs: number[];
  sqlMs: number[];
  /** Figures where the snapshot and the SQL disagree (empty when they agree). */
  mismatches: string[];
  thresholdEvents: number;
  sample: {
    queues: number;
    lines: number;
    waiting: number;
    callsNow: number;
    todayOffered: number;
  };
}

const LOOKBACK_MS = 24 * 3600_000;

function close(a: number | null, b: number | null, tolerance: number): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));
}

function compare(snapshot: StatsLivePayload, queues: LiveQueueRow[], lines: LiveLineRow[]) {
  const out: string[] = [];
  const check = (what: string, app: number | null, sql: number | null, tolerance = 0) => {
    if (!close(app, sql, tolerance)) out.push(`${what}: app ${app}, SQL ${sql}`);
  };
  const appQueues = new Map(snapshot.queues.map((q) => [q.queueId, q]));
  for (const row of queues) {
    const q = appQueues.get(row.id);
    if (!q) {
      out.push(`queue ${row.code}: missing from the snapshot`);
      continue;
    }
    check(`${row.code} waiting`, q.waiting, row.waiting);
    check(`${row.code} longest wait`, q.longestWaitSeconds, row.longest, 1e-6);
    check(`${row.code} offered today`, q.today.offered, row.offered);
    check(`${row.code} answered today`, q.today.answered, row.answered);
    check(`${row.code} abandoned today`, q.today.abandoned, row.abandoned);
    check(
      `${row.code} service level`,
      q.today.serviceLevel,
      row.offered === 0 ? null : row.in_sl / row.offered,
      1e-12,
    );
    check(
      `${row.code} ASA`,
      q.today.asa,
      row.answered === 0 ? null : Number(row.wait_sum_ms) / row.answered / 1000,
      1e-9,
    );
    for (const [key, n] of Object.entries(row.staff)) {
      const app =
        (q.staff.byStatus as Record<string, number>)[key] ??
        (q.staff.byState as Record<string, number>)[key];
      check(`${row.code} staff ${key}`, app ?? null, Number(n));
    }
  }
  if (snapshot.queues.length !== queues.length) {
    out.push(`queues: snapshot ${snapshot.queues.length}, SQL ${queues.length}`);
  }
  const appLines = new Map(snapshot.lines.map((l) => [l.lineId, l]));
  for (const row of lines) {
    const l = appLines.get(row.id);
    if (!l) {
      out.push(`line ${row.code}: missing from the snapshot`);
      continue;
    }
    check(`${row.code} calls now`, l.callsNow, row.calls_now);
    check(`${row.code} Erlangs 15 min`, l.erlangs15m, row.erlangs_15m, 1e-9);
    check(`${row.code} Erlangs 60 min`, l.erlangs60m, row.erlangs_60m, 1e-9);
  }
  if (snapshot.lines.length !== lines.length) {
    out.push(`lines: snapshot ${snapshot.lines.length}, SQL ${lines.length}`);
  }
  return out;
}

async function run(args: RunArgs): Promise<LiveRun> {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: args.databaseUrl,
    REDIS_URL: args.redisUrl,
    REDIS_PREFIX: args.redisPrefix,
    JWT_SECRET: randomBytes(32).toString('hex'),
    DEFAULT_TIME_ZONE: args.timeZone,
    LOG_LEVEL: 'warn',
  });
  const orm = await MikroORM.init(buildOrmOptions(config));
  const redis = createRedis(config, 'bench-stats-live');
  const publisher = new RealtimePublisher(config);
  const events = new StatsEventBus();
  let thresholdEvents = 0;
  const subscription = events.events$.subscribe(() => thresholdEvents++);
  const live = new LiveStatsService(orm.em, config, publisher, events, redis);
  // The snapshot's four queries share the ORM pool; the baseline's two get a pool of their own.
  const pool = new Pool({ connectionString: args.databaseUrl, max: 2 });
  const now = new Date(args.now);
  const params = [
    now.toISOString(),
    new Date(now.getTime() - LOOKBACK_MS).toISOString(),
    bucketOf(now, '1d', args.timeZone).toISOString(),
  ];
  const baseline = async () => {
    const [queues, lines] = await Promise.all([
      pool.query<LiveQueueRow>(liveQueuesSql(), params),
      pool.query<LiveLineRow>(liveLinesSql(), params.slice(0, 2)),
    ]);
    return { queues: queues.rows, lines: lines.rows };
  };
  const timed = async <T>(fn: () => Promise<T>, into: number[] | null): Promise<T> => {
    const started = performance.now();
    const result = await fn();
    into?.push(performance.now() - started);
    return result;
  };

  try {
    const tickMs: number[] = [];
    const snapshotMs: number[] = [];
    const sqlMs: number[] = [];
    let lastSnapshot: StatsLivePayload | null = null;
    let lastSql: Awaited<ReturnType<typeof baseline>> | null = null;
    for (let i = 0; i < args.warmup + args.runs; i++) {
      const warm = i < args.warmup;
      const steps = [
        async () => {
          lastSnapshot = await timed(() => live.tick(now), warm ? null : tickMs);
        },
        async () => {
          lastSql = await timed(baseline, warm ? null : sqlMs);
        },
        async () => {
          await timed(() => live.snapshot(now), warm ? null : snapshotMs);
        },
      ];
      // Rotate the order so neither side always runs right after the other.
      for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]();
      if (!warm && (i - args.warmup) % 10 === 9) {
        progress(`${i - args.warmup + 1}/${args.runs} ticks`);
      }
    }
    const snapshot = lastSnapshot as StatsLivePayload | null;
    const sql = lastSql as Awaited<ReturnType<typeof baseline>> | null;
    if (!snapshot || !sql) throw new Error('no tick ran');
    return {
      tickMs,
      snapshotMs,
      sqlMs,
      mismatches: compare(snapshot, sql.queues, sql.lines),
      thresholdEvents,
      sample: {
        queues: snapshot.queues.length,
        lines: snapshot.lines.length,
        waiting: snapshot.queues.reduce((n, q) => n + q.waiting, 0),
        callsNow: snapshot.lines.reduce((n, l) => n + l.callsNow, 0),
        todayOffered: snapshot.queues.reduce((n, q) => n + q.today.offered, 0),
      },
    };
  } finally {
    subscription.unsubscribe();
    await pool.end();
    await publisher.onApplicationShutdown();
    await redis.quit().catch(() => redis.disconnect());
    await orm.close(true);
  }
}

serveCommands({ run });
