import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import {
  compareRollupSql,
  createBaselineTablesSql,
  dropBaselineTablesSql,
  LineHourRow,
  lineTotalsSql,
  linesHourlyFromCallsSql,
  linesHourlyFromRollupSql,
  rebuildBaselineSql,
  RollupTable,
} from '@test/bench/baselines/stats-sql';
import { isRunning, spawnNode, stopProcess } from '@test/bench/harness/processes';
import {
  BENCH_DIST_DIR,
  Comparison,
  Scenario,
  ScenarioContext,
} from '@test/bench/harness/scenario';
import { LatencySummary, ratio, round, summarise } from '@test/bench/harness/stats';
import { allNotRun, judged, notRun, Verdict } from '@test/bench/harness/targets';
import {
  addCallsInProgress,
  analyzeDataset,
  createDirectory,
  DatasetSpec,
  datasetWindow,
  generateCalls,
  generateOffers,
} from '@test/bench/load/stats-dataset';
import type { LiveRun } from '@test/bench/load/stats-live';

const TARGET = {
  rebuildSeconds: 60,
  queryMs: 200,
  tickMs: 50,
  ratio: 1.5,
};

/** dist-bench/test/bench → the repository root, where dist/ is. */
const REPO_ROOT = path.resolve(BENCH_DIST_DIR, '..', '..', '..');
const REBUILD_CLI = path.join(REPO_ROOT, 'dist/src/modules/stats/cli/stats-rebuild.cli.js');

/** What the rollup rewrite sets for itself; the baseline gets the same. */
const WORK_MEM = '128MB';

/** A supervisor's zone; its offset is whole hours, so its hours are UTC hours (see the SQL). */
const REPORT_ZONE = 'Europe/Berlin';
/** The live tick's "today", as the worker computes it with the default configuration. */
const LIVE_ZONE = 'UTC';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const ROLLUP_TABLES: RollupTable[] = [
  'stats_line_15m',
  'stats_queue_15m',
  'stats_staff_15m',
  'stats_client_15m',
];

function datasetSpec(quick: boolean): DatasetSpec {
  const days = quick ? 3 : 30;
  return {
    calls: quick ? 50_000 : 1_000_000,
    days,
    lines: 20,
    staff: 100,
    queues: 10,
    clients: quick ? 1_000 : 5_000,
    inProgress: 1_000,
    ...datasetWindow(days),
  };
}

const fmtInt = (n: number) => n.toLocaleString('en-US');
const seconds = (ms: number) => round(ms / 1000, 1);

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - started };
}

interface RebuildRun {
  wallSeconds: number;
  /** The rebuild's own duration as the CLI prints it, without process start and ORM set-up. */
  reportedSeconds: number | null;
}

/** "… in 46.0 s" or "… in 1 min 2 s", the CLI's last line. */
function reportedSeconds(output: string): number | null {
  const m = /rebuilt \d+ buckets .* in (?:(\d+) min )?([\d.]+) s/.exec(output);
  if (!m) return null;
  return Number(m[1] ?? 0) * 60 + Number(m[2]);
}

/**
 * `npm run stats:rebuild -- --from … --to …` without its build step: the built CLI as a child
 * process on the bench database, timed from spawn to exit.
 */
async function runRebuildCli(ctx: ScenarioContext, from: Date, to: Date): Promise<RebuildRun> {
  if (!existsSync(REBUILD_CLI)) throw new Error(`${REBUILD_CLI} is missing: run npm run build`);
  const started = performance.now();
  const child = spawnNode(REBUILD_CLI, {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATABASE_URL: ctx.sut.databaseUrl,
      REDIS_URL: ctx.sut.redisUrl,
      REDIS_PREFIX: ctx.sut.redisPrefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      NO_COLOR: '1',
    },
    args: ['--from', from.toISOString(), '--to', to.toISOString()],
  });
  let output = '';
  let lastShown = performance.now();
  const take = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output += text;
    const days = [...text.matchAll(/\] (\d+)\/(\d+) days/g)].pop();
    if (days && performance.now() - lastShown >= 10_000) {
      lastShown = performance.now();
      ctx.progress(
        `rebuild: ${days[1]}/${days[2]} days, ${seconds(performance.now() - started)} s`,
      );
    }
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const deadline = setTimeout(() => void stopProcess(child, 2000), ctx.quick ? 180_000 : 900_000);
  const code = await new Promise<number | null>((resolve) => {
    if (!isRunning(child)) resolve(child.exitCode);
    else child.once('exit', (c) => resolve(c));
  });
  clearTimeout(deadline);
  const wallSeconds = round((performance.now() - started) / 1000, 2);
  if (code !== 0) {
    throw new Error(
      `stats:rebuild exited with ${code}: ${output.trim().split('\n').slice(-5).join(' | ')}`,
    );
  }
  return { wallSeconds, reportedSeconds: reportedSeconds(output) };
}

interface BaselineRebuild {
  seconds: number;
  perTableSeconds: Record<string, number>;
}

async function runRebuildBaseline(db: Client, from: Date, to: Date): Promise<BaselineRebuild> {
  for (const sql of createBaselineTablesSql()) await db.query(sql);
  await db.query(`set work_mem = '${WORK_MEM}'`);
  const perTableSeconds: Record<string, number> = {};
  const started = performance.now();
  for (const { table, sql } of rebuildBaselineSql()) {
    const { ms } = await timed(() => db.query(sql, [from.toISOString(), to.toISOString()]));
    perTableSeconds[table] = round(ms / 1000, 2);
  }
  const total = round((performance.now() - started) / 1000, 2);
  await db.query('reset work_mem');
  return { seconds: total, perTableSeconds };
}

interface TableCheck {
  table: RollupTable;
  rowsApp: number;
  onlyApp: number;
  onlyBaseline: number;
  differ: number;
}

interface Totals {
  offered: number;
  answered: number;
  abandoned: number;
  blocked: number;
  occupied_hours: number;
  rows: number;
}

async function checkRollups(db: Client, from: Date, to: Date) {
  const range = [from.toISOString(), to.toISOString()];
  const tables: TableCheck[] = [];
  for (const table of ROLLUP_TABLES) {
    const { rows } = await db.query<{
      rows_app: number;
      only_app: number;
      only_baseline: number;
      differ: number;
    }>(compareRollupSql(table), range);
    const r = rows[0];
    tables.push({
      table,
      rowsApp: r.rows_app,
      onlyApp: r.only_app,
      onlyBaseline: r.only_baseline,
      differ: r.differ,
    });
  }
  const totals = async (table: string) =>
    (await db.query<Totals>(lineTotalsSql(table), range)).rows[0];
  return {
    tables,
    lineTotals: {
      app: await totals('stats_line_15m'),
      baseline: await totals('bench_stats_line_15m'),
    },
    failures: tables
      .filter((t) => t.onlyApp + t.onlyBaseline + t.differ > 0)
      .map(
        (t) =>
          `${t.table}: ${t.onlyApp} rows only in the rollup, ${t.onlyBaseline} only in the hand-written SQL, ${t.differ} with other figures`,
      ),
  };
}

interface LineRowDto {
  lineId: string | null;
  bucketStart: string;
  offered: number;
  answered: number;
  abandoned: number;
  missed: number;
  blocked: number;
  occupiedSeconds: number;
  peakConcurrency: number;
  channels: number | null;
}

/** The HTTP answer against the report computed from the raw calls, line-hour by line-hour. */
function compareReport(app: LineRowDto[], raw: LineHourRow[]): string[] {
  const problems: string[] = [];
  const byKey = new Map<string, LineHourRow>(
    raw.map((r) => [`${r.line_id}|${new Date(r.hour_start).toISOString()}`, r]),
  );
  let differ = 0;
  for (const row of app) {
    const key = `${row.lineId ?? ZERO_UUID}|${row.bucketStart}`;
    const r = byKey.get(key);
    byKey.delete(key);
    const same =
      r !== undefined &&
      row.offered === r.offered &&
      row.answered === r.answered &&
      row.abandoned === r.abandoned &&
      row.missed === r.missed &&
      row.blocked === r.blocked &&
      row.peakConcurrency === r.peak &&
      row.channels === r.channels &&
      Math.abs(row.occupiedSeconds - r.occupied_seconds) <=
        1e-9 * Math.max(1, Math.abs(r.occupied_seconds));
    if (!same) {
      differ++;
      if (problems.length < 3) {
        problems.push(
          `${key}: app ${JSON.stringify(row)}, calls ${r ? JSON.stringify(r) : 'no row'}`,
        );
      }
    }
  }
  if (differ > 0 || byKey.size > 0) {
    problems.unshift(
      `${differ} of ${app.length} line-hours differ from the calls, ${byKey.size} missing from the answer`,
    );
  }
  return problems;
}

interface QueryFigures {
  rows: number;
  bytes: number;
  httpMs: LatencySummary | null;
  rollupSqlMs: LatencySummary | null;
  callsSqlMs: LatencySummary | null;
  problems: string[];
}

async function runQuery(
  ctx: ScenarioContext,
  url: string,
  token: string,
  spec: DatasetSpec,
): Promise<QueryFigures> {
  const runs = ctx.quick ? 10 : 15;
  const warmup = 2;
  const rawRuns = 3;
  const query = new URLSearchParams({
    from: spec.start.toISOString(),
    to: spec.end.toISOString(),
    bucket: '1h',
    tz: REPORT_ZONE,
  });
  const range = [spec.start.toISOString(), spec.end.toISOString()];
  const http = async () => {
    const res = await fetch(`${url}/api/stats/lines?${query.toString()}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = await res.text();
    if (res.status !== 200) {
      throw new Error(`GET /api/stats/lines answered ${res.status}: ${body.slice(0, 300)}`);
    }
    return body;
  };
  return ctx.sut.sql(async (db) => {
    const httpMs: number[] = [];
    const rollupMs: number[] = [];
    let body = '';
    for (let i = 0; i < warmup + runs; i++) {
      const steps = [
        async () => {
          const r = await timed(http);
          body = r.result;
          if (i >= warmup) httpMs.push(r.ms);
        },
        async () => {
          const r = await timed(() => db.query(linesHourlyFromRollupSql(), range));
          if (i >= warmup) rollupMs.push(r.ms);
        },
      ];
      for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]();
    }
    ctx.progress(
      `query: HTTP median ${summarise(httpMs)?.p50} ms; now the same from the raw calls (${rawRuns} runs)`,
    );
    await db.query(`set work_mem = '${WORK_MEM}'`);
    const callsMs: number[] = [];
    let raw: LineHourRow[] = [];
    for (let i = 0; i < rawRuns; i++) {
      const r = await timed(() => db.query<LineHourRow>(linesHourlyFromCallsSql(), range));
      raw = r.result.rows;
      callsMs.push(r.ms);
    }
    const report = JSON.parse(body) as { rows: LineRowDto[] };
    return {
      rows: report.rows.length,
      bytes: Buffer.byteLength(body),
      httpMs: summarise(httpMs),
      rollupSqlMs: summarise(rollupMs),
      callsSqlMs: summarise(callsMs),
      problems: compareReport(report.rows, raw),
    };
  });
}

function row(
  metric: string,
  unit: string,
  app: number | null | undefined,
  baseline: number | null | undefined,
): Comparison {
  return {
    metric,
    unit,
    app: app ?? null,
    baseline: baseline ?? null,
    ratio: ratio(app, baseline),
    better: 'lower',
  };
}

export const statsScenario: Scenario = {
  name: 'stats',
  title: 'Statistics: rollup rebuild, 30-day query and live tick over 1,000,000 calls',
  async run(ctx) {
    const spec = datasetSpec(ctx.quick);
    const rebuildTo = new Date(spec.end.getTime() + 12 * 3_600_000);
    const params = {
      calls: spec.calls,
      days: spec.days,
      lines: spec.lines,
      staff: spec.staff,
      queues: spec.queues,
      clients: spec.clients,
      callsInProgress: spec.inProgress,
      period: { from: spec.start.toISOString(), to: spec.end.toISOString() },
      rebuild: { from: spec.start.toISOString(), to: rebuildTo.toISOString() },
      query: `GET /api/stats/lines?from=…&to=…&bucket=1h&tz=${REPORT_ZONE}`,
      liveTickAt: spec.end.toISOString(),
    };
    const { api } = await ctx.api();
    const admin = await ctx.users.token(api);
    const probe = await api.routeExists('GET', '/api/stats/lines?bucket=1h', { token: admin });
    if (!probe.exists) {
      const reason = `feature not present (GET /api/stats/lines answered ${probe.status})`;
      ctx.progress(`not run: ${reason}`);
      return {
        status: 'not run',
        reason,
        params,
        comparisons: [],
        figures: {},
        targets: allNotRun('stats', reason),
        notes: [],
      };
    }

    // The data set, straight into the feature's tables (the API has applied the migrations).
    ctx.progress(
      `data set: ${fmtInt(spec.calls)} calls over ${spec.days} days, ${spec.lines} lines, ${spec.staff} staff, ${spec.queues} queues`,
    );
    const generation = await ctx.sut.sql(async (db) => {
      const started = performance.now();
      await createDirectory(db, spec);
      const calls = await timed(() => generateCalls(db, spec));
      ctx.progress(`data set: ${fmtInt(calls.result)} calls in ${seconds(calls.ms)} s; offers…`);
      const offers = await timed(() => generateOffers(db, spec));
      ctx.progress(
        `data set: ${fmtInt(offers.result)} offers in ${seconds(offers.ms)} s; vacuum analyze…`,
      );
      await analyzeDataset(db);
      const { rows } = await db.query<{ calls: number; crossing: number; long: number }>(
        `select count(*)::int as calls,
                count(*) filter (where date_bin('15 minutes', arrived_at, timestamptz 'epoch')
                                   <> date_bin('15 minutes', ended_at - interval '1 microsecond', timestamptz 'epoch')
                                 and ended_at > arrived_at)::int as crossing,
                count(*) filter (where ended_at - arrived_at > interval '6 hours')::int as long
           from calls where arrived_at >= $1 and arrived_at < $2`,
        [spec.start.toISOString(), spec.end.toISOString()],
      );
      return {
        calls: calls.result,
        offers: offers.result,
        callsInPeriod: rows[0].calls,
        crossingBuckets: rows[0].crossing,
        longerThan6h: rows[0].long,
        seconds: seconds(performance.now() - started),
      };
    });

    // Rebuild: the CLI, then the hand-written SQL into scratch tables, then row by row.
    ctx.progress(
      `rebuild: npm run stats:rebuild -- --from ${params.rebuild.from} --to ${params.rebuild.to}`,
    );
    const rebuild = await runRebuildCli(ctx, spec.start, rebuildTo);
    ctx.progress(
      `rebuild: ${rebuild.wallSeconds} s; baseline: hand-written INSERT … SELECT … GROUP BY date_bin`,
    );
    const baselineRebuild = await ctx.sut.sql((db) =>
      runRebuildBaseline(db, spec.start, rebuildTo),
    );
    ctx.progress(`baseline: ${baselineRebuild.seconds} s; comparing the rollups row by row`);
    const rollupCheck = await ctx.sut.sql((db) => checkRollups(db, spec.start, rebuildTo));
    await ctx.sut.sql((db) => db.query(dropBaselineTablesSql()));

    // The 30-day report through HTTP, beside the same aggregation in SQL.
    ctx.progress(`query: ${params.query}`);
    const query = await runQuery(ctx, api.url, admin, spec);

    // The live tick with calls in progress.
    ctx.progress(`live: ${fmtInt(spec.inProgress)} calls in progress at ${spec.end.toISOString()}`);
    await ctx.sut.sql(async (db) => {
      await addCallsInProgress(db, spec);
      for (const table of ['calls', 'offers', 'staff_presence']) await db.query(`analyze ${table}`);
    });
    const liveProcess = ctx.fork('load/stats-live', 'stats-live');
    let live: LiveRun;
    try {
      live = await liveProcess.request<LiveRun>(
        'run',
        {
          databaseUrl: ctx.sut.databaseUrl,
          redisUrl: ctx.sut.redisUrl,
          redisPrefix: ctx.sut.redisPrefix,
          now: spec.end.toISOString(),
          timeZone: LIVE_ZONE,
          runs: ctx.quick ? 20 : 40,
          warmup: 3,
        },
        300_000,
      );
    } finally {
      await liveProcess.stop();
    }
    const tick = {
      tickMs: summarise(live.tickMs),
      snapshotMs: summarise(live.snapshotMs),
      sqlMs: summarise(live.sqlMs),
    };

    const comparisons: Comparison[] = [
      row(
        'full rebuild of all rollups (CLI, wall clock)',
        's',
        rebuild.wallSeconds,
        baselineRebuild.seconds,
      ),
      row(
        'rebuild as the CLI reports it (no process start)',
        's',
        rebuild.reportedSeconds,
        baselineRebuild.seconds,
      ),
      row(
        `${spec.days}-day 1 h line report, median (vs SQL over rollups)`,
        'ms',
        query.httpMs?.p50,
        query.rollupSqlMs?.p50,
      ),
      row(
        `${spec.days}-day 1 h line report, median (vs SQL over calls)`,
        'ms',
        query.httpMs?.p50,
        query.callsSqlMs?.p50,
      ),
      row('live tick, median', 'ms', tick.tickMs?.p50, tick.sqlMs?.p50),
      row('live tick, p90', 'ms', tick.tickMs?.p90, tick.sqlMs?.p90),
      row('live snapshot only (no publish), median', 'ms', tick.snapshotMs?.p50, tick.sqlMs?.p50),
    ];
    const [rebuildRow, , queryRow, , tickRow] = comparisons;

    const failures = [
      ...rollupCheck.failures.map((f) => `rollups vs hand-written SQL: ${f}`),
      ...query.problems.map((p) => `report vs calls: ${p}`),
      ...live.mismatches.slice(0, 5).map((m) => `live tick vs SQL: ${m}`),
    ];
    const rollupsOk = rollupCheck.failures.length === 0;
    const queryOk = query.problems.length === 0;
    const tickOk = live.mismatches.length === 0;
    const wrong = (ok: boolean, what: string) => (ok ? '' : `; ${what} WRONG (see notes)`);

    const rebuildFigure = `${rebuild.wallSeconds} s for ${fmtInt(generation.callsInPeriod)} calls (CLI; ${rebuild.reportedSeconds ?? '?'} s as it reports itself)${wrong(rollupsOk, 'rollups')}`;
    const rebuildRatioFigure = `${rebuildRow.ratio ?? '—'}× (${rebuild.wallSeconds} s vs ${baselineRebuild.seconds} s)`;
    const queryFigure = `median ${query.httpMs?.p50 ?? '—'} ms, p90 ${query.httpMs?.p90 ?? '—'} ms (${fmtInt(query.rows)} rows, ${round(query.bytes / 1e6, 1)} MB)${wrong(queryOk, 'answer')}`;
    const queryRatioFigure = `${queryRow.ratio ?? '—'}× (${query.httpMs?.p50 ?? '—'} ms vs ${query.rollupSqlMs?.p50 ?? '—'} ms SQL over the rollups; ${query.callsSqlMs?.p50 ?? '—'} ms over the calls)`;
    const tickFigure = `median ${tick.tickMs?.p50 ?? '—'} ms, p90 ${tick.tickMs?.p90 ?? '—'} ms, max ${tick.tickMs?.max ?? '—'} ms (${fmtInt(live.sample.callsNow)} calls in progress)${wrong(tickOk, 'figures')}`;
    const tickRatioFigure = `${tickRow.ratio ?? '—'}× (${tick.tickMs?.p50 ?? '—'} ms vs ${tick.sqlMs?.p50 ?? '—'} ms)`;
    const ratioTarget = `≤ ${TARGET.ratio}× the hand-written SQL`;

    let targets: Verdict[];
    if (ctx.quick) {
      const why = `quick mode: ${fmtInt(spec.calls)} calls over ${spec.days} days (the target is over 1,000,000)`;
      targets = [
        notRun('stats.rebuild', `${why}; ${rebuildFigure}`),
        notRun('stats.query', `${why}; ${queryFigure}`),
        notRun('stats.tick', `${why}; ${tickFigure}`),
        notRun('stats.rebuild.ratio', `${why}; ${rebuildRatioFigure}`),
        notRun('stats.query.ratio', `${why}; ${queryRatioFigure}`),
        notRun('stats.tick.ratio', `${why}; ${tickRatioFigure}`),
      ];
    } else {
      const within = (r: number | null) => r !== null && r <= TARGET.ratio;
      targets = [
        judged(
          'stats.rebuild',
          rollupsOk && rebuild.wallSeconds <= TARGET.rebuildSeconds,
          rebuildFigure,
          `≤ ${TARGET.rebuildSeconds} s`,
        ),
        judged(
          'stats.query',
          queryOk && (query.httpMs?.p50 ?? Infinity) <= TARGET.queryMs,
          queryFigure,
          `≤ ${TARGET.queryMs} ms`,
        ),
        judged(
          'stats.tick',
          tickOk && (tick.tickMs?.p50 ?? Infinity) <= TARGET.tickMs,
          tickFigure,
          `≤ ${TARGET.tickMs} ms`,
        ),
        judged('stats.rebuild.ratio', within(rebuildRow.ratio), rebuildRatioFigure, ratioTarget),
        judged('stats.query.ratio', within(queryRow.ratio), queryRatioFigure, ratioTarget),
        judged('stats.tick.ratio', within(tickRow.ratio), tickRatioFigure, ratioTarget),
      ];
    }

    const notes = [
      `Data set generated in PostgreSQL (generate_series, one INSERT … SELECT per table, foreign keys checked, rows in arrival order, fixed seed) in ${generation.seconds} s: ${fmtInt(generation.calls)} finished calls (88 % answered, 8 % abandoned, 2 % missed, 2 % blocked; 85 % of arrivals in a 06:00–20:00 UTC bell, lines skewed, 0.5 % on an unmapped line, 1 % without a queue; ${fmtInt(generation.crossingBuckets)} calls cross a 15-minute bucket, ${generation.longerThan6h} last over 6 h and cross a rebuild day more than 6 h after arriving) and ${fmtInt(generation.offers)} offers. call_events are not generated: the rollups read only calls and offers.`,
      `Rebuild: the built CLI (node dist/src/modules/stats/cli/stats-rebuild.cli.js, i.e. npm run stats:rebuild without its build step) as a child process, wall clock from spawn to exit; its own figure leaves out process start and ORM set-up. It is the first rebuild of this data (empty rollups and call spans). No worker runs in this scenario, so no incremental pass competes with it or with any measurement.`,
      `Rebuild baseline: four hand-written INSERT … SELECT … GROUP BY date_bin('15 minutes', …) statements (test/bench/baselines/stats-sql.ts), one per rollup table over the whole period into scratch tables, with the work_mem the rollup rewrite sets (${WORK_MEM}) and server defaults otherwise; per table ${Object.entries(
        baselineRebuild.perTableSeconds,
      )
        .map(([t, s]) => `${t} ${s} s`)
        .join(
          ', ',
        )}. It keeps no per-call bookkeeping (stats_call_span) and runs as one pass instead of a transaction per day; both are part of what the ratio charges the feature with.`,
      rollupsOk
        ? `Check passed: all four rollup tables equal the hand-written SQL row by row (${rollupCheck.tables.map((t) => `${t.table} ${fmtInt(t.rowsApp)} rows`).join(', ')}); line totals: offered ${fmtInt(rollupCheck.lineTotals.app.offered)}, answered ${fmtInt(rollupCheck.lineTotals.app.answered)}, ${fmtInt(rollupCheck.lineTotals.app.occupied_hours)} occupied line-hours.`
        : `CHECK FAILED: the rollups differ from the hand-written SQL: ${rollupCheck.failures.join('; ')}. Line totals app ${JSON.stringify(rollupCheck.lineTotals.app)}, SQL ${JSON.stringify(rollupCheck.lineTotals.baseline)}.`,
      `Query: ${params.query} over the ${spec.days}-day period, timed to the last byte of the body (not JSON-parsed), median of ${query.httpMs?.count ?? 0} runs after 2 warm-ups, alternating with the same aggregation in SQL over stats_line_15m through one pg connection (rows parsed by node-pg). The ratio uses that SQL: it reads the same 15-minute rows the API reads, while the SQL over the raw calls (median of ${query.callsSqlMs?.count ?? 0}) recomputes everything and is shown for scale. ${REPORT_ZONE} has whole-hour offsets, so its hours are UTC hours and date_bin('1 hour') cuts the same buckets.`,
      queryOk
        ? `Check passed: every line-hour of the HTTP answer (${fmtInt(query.rows)}) equals the report computed from the raw calls (counts, occupied seconds, peak concurrency, channels).`
        : `CHECK FAILED: the HTTP answer differs from the report computed from the raw calls: ${query.problems.join('; ')}.`,
      `Live tick: LiveStatsService.tick(now) as the stats.live-tick job runs it (snapshot, publication through the Redis emitter, threshold check in Redis), wired as the worker wires it from dist-bench (compiled from the same sources as dist/) in a forked process, now = ${spec.end.toISOString()} with ${fmtInt(live.sample.callsNow)} calls in progress (${fmtInt(live.sample.waiting)} waiting) and ${fmtInt(live.sample.todayOffered)} calls so far today. Baseline: two hand-written statements (queues with staff counts, lines) run concurrently over pg. ${live.tickMs.length} runs after 3 warm-ups, tick, snapshot and SQL in rotating order; ${live.thresholdEvents} threshold events were raised, all by the first (warm-up) tick that found the queues over their thresholds; no notifications listener is wired here, so the alerts the worker would write for them are not part of the figure.`,
      tickOk
        ? `Check passed: the snapshot equals the hand-written SQL for every queue (waiting, longest wait, today's counts, SL, ASA, staff by status and state) and line (calls now, Erlangs over 15 and 60 min).`
        : `CHECK FAILED: the live snapshot differs from the hand-written SQL (${live.mismatches.length}): ${live.mismatches.slice(0, 8).join('; ')}.`,
      'Other processes on the machine (a jest run, say) add noise to every figure; app and baseline alternate so it hits both alike.',
    ];

    return {
      status: failures.length > 0 ? 'failed' : 'ok',
      reason: failures.length > 0 ? failures[0] : undefined,
      params,
      comparisons,
      figures: {
        app: {
          generation,
          rebuild: { wallSeconds: rebuild.wallSeconds, reportedSeconds: rebuild.reportedSeconds },
          rollupCheck: { tables: rollupCheck.tables, lineTotals: rollupCheck.lineTotals.app },
          query: { httpMs: query.httpMs, rows: query.rows, bytes: query.bytes },
          live: { tickMs: tick.tickMs, snapshotMs: tick.snapshotMs, sample: live.sample },
        },
        baseline: {
          rebuild: baselineRebuild,
          lineTotals: rollupCheck.lineTotals.baseline,
          query: { rollupSqlMs: query.rollupSqlMs, callsSqlMs: query.callsSqlMs },
          live: { sqlMs: tick.sqlMs },
        },
      },
      targets,
      notes,
    };
  },
};
