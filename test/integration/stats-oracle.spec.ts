import { EntityManager } from '@mikro-orm/postgresql';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule } from '@/core.module';
import { CallFacts, queueKpis } from '@/modules/stats/kpi/call-kpis';
import { occupiedSeconds, peakConcurrency } from '@/modules/stats/kpi/line-load';
import { BucketSize, bucketStarts } from '@/modules/stats/kpi/time-buckets';
import { StatsReportService } from '@/modules/stats/reports/stats-report.service';
import { RollupService } from '@/modules/stats/rollups/rollup.service';
import { StatsModule } from '@/modules/stats/stats.module';
import {
  CallFixture,
  insertCall,
  insertLine,
  insertQueue,
  recompute,
} from '@test/support/stats-fixtures';

@Module({ imports: [CoreModule, StatsModule] })
class StatsTestModule {}

/** A small deterministic generator, so a failing seed can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const DAY_START = Date.parse('2027-03-27T20:00:00Z');
const SPAN_MS = 12 * 3600_000;
const WRAP_UP = 7;

/**
 * Random calls over a night that holds a DST change (Europe/Berlin, 2027-03-28), read back
 * through the rollups and compared with the pure KPI and line-load functions run on the raw
 * calls: the set-based SQL must agree with the reference arithmetic on every bucket.
 */
describe('stats rollups against the reference KPI functions (integration)', () => {
  let ctx: INestApplicationContext;
  let reports: StatsReportService;
  let line: string;
  let queue: { id: string };
  const calls: CallFixture[] = [];

  beforeAll(async () => {
    ctx = await NestFactory.createApplicationContext(StatsTestModule, { logger: false });
    const em = ctx.get(EntityManager).fork();
    reports = ctx.get(StatsReportService);
    line = await insertLine(em, 5);
    queue = await insertQueue(em, { slThresholdSeconds: 15, wrapUpSeconds: WRAP_UP });
    const next = random(20270328);
    const iso = (ms: number) => new Date(ms).toISOString();
    for (let n = 0; n < 400; n++) {
      // Whole seconds most of the time, so calls often start or end exactly on a boundary.
      const step = next() < 0.7 ? 1000 : 1;
      const arrived = DAY_START + Math.floor((next() * SPAN_MS) / step) * step;
      const queued = next() < 0.7 ? arrived + Math.floor(next() * 5) * 1000 : null;
      const wait = Math.floor(next() * 40_000);
      const talk = next() < 0.1 ? 0 : Math.floor(next() * 1_800_000);
      const roll = next();
      const base = { lineId: line, queueId: queue.id, arrivedAt: iso(arrived) };
      if (roll < 0.55) {
        const answered = (queued ?? arrived) + wait;
        calls.push({
          ...base,
          outcome: 'answered',
          queuedAt: queued === null ? null : iso(queued),
          answeredAt: iso(answered),
          endedAt: iso(answered + talk),
        });
      } else if (roll < 0.65) {
        calls.push({
          ...base,
          outcome: 'in_progress',
          queuedAt: queued === null ? null : iso(queued),
        });
      } else if (roll < 0.8) {
        const ended = arrived + (next() < 0.2 ? 0 : wait);
        calls.push({ ...base, outcome: 'abandoned', queuedAt: null, endedAt: iso(ended) });
      } else if (roll < 0.9) {
        calls.push({
          ...base,
          outcome: 'missed',
          queuedAt: iso(arrived),
          endedAt: iso(arrived + 300_000),
        });
      } else {
        calls.push({ ...base, outcome: 'blocked', endedAt: iso(arrived) });
      }
    }
    for (const call of calls) await insertCall(em, call);
    await recompute(ctx.get(RollupService));
  });
  afterAll(() => ctx.close());

  const facts = (c: CallFixture): CallFacts => ({
    arrivedAt: new Date(c.arrivedAt),
    queuedAt: c.queuedAt ? new Date(c.queuedAt) : null,
    answeredAt: c.answeredAt ? new Date(c.answeredAt) : null,
    endedAt: c.endedAt ? new Date(c.endedAt) : null,
    outcome: c.outcome,
    wrapUpSeconds: WRAP_UP,
  });
  const occupationsOf = () =>
    calls
      .filter((c) => c.endedAt && c.outcome !== 'blocked')
      .map((c) => ({ start: new Date(c.arrivedAt), end: new Date(c.endedAt!) }));

  it.each<[BucketSize, string]>([
    ['15m', 'UTC'],
    ['1h', 'Europe/Berlin'],
    ['1d', 'Europe/Berlin'],
  ])('queue KPIs per %s bucket in %s match queueKpis on the raw calls', async (bucket, tz) => {
    const from = new Date(DAY_START);
    const to = new Date(DAY_START + SPAN_MS);
    const report = await reports.queues({
      from: from.toISOString(),
      to: to.toISOString(),
      bucket,
      tz,
      queueId: queue.id,
    });
    const starts = bucketStarts(from, to, bucket, tz);
    const last = starts[starts.length - 1];
    const stops = [
      ...starts.slice(1),
      bucketStarts(last, new Date(last.getTime() + 2 * 86_400_000), bucket, tz)[1],
    ];
    const expected = starts
      .map((start, i) => {
        const inBucket = calls.filter((c) => {
          const t = Date.parse(c.arrivedAt);
          return t >= start.getTime() && t < stops[i].getTime();
        });
        return { start: start.toISOString(), kpis: queueKpis(inBucket.map(facts), 15) };
      })
      .filter((e) => e.kpis.offered > 0);
    expect(report.rows.map((r) => r.bucketStart)).toEqual(expected.map((e) => e.start));
    report.rows.forEach((row, i) => {
      const k = expected[i].kpis;
      expect([row.offered, row.answered, row.abandoned, row.missed, row.blocked]).toEqual([
        k.offered,
        k.answered,
        k.abandoned,
        k.missed,
        k.blocked,
      ]);
      expect([row.waitMedian, row.waitP90, row.waitMax]).toEqual([
        k.waitMedian,
        k.waitP90,
        k.waitMax,
      ]);
      for (const key of ['abandonRate', 'asa', 'aht', 'serviceLevel'] as const) {
        if (k[key] === null) expect(row[key]).toBeNull();
        else expect(row[key]).toBeCloseTo(k[key], 9);
      }
    });
  });

  it.each<[BucketSize, string]>([
    ['15m', 'UTC'],
    ['1h', 'Europe/Berlin'],
  ])('line traffic and peak per %s bucket in %s match line-load', async (bucket, tz) => {
    const from = new Date(DAY_START);
    const to = new Date(DAY_START + SPAN_MS + 3600_000);
    const report = await reports.lines({
      from: from.toISOString(),
      to: to.toISOString(),
      bucket,
      tz,
      lineId: line,
    });
    const occupations = occupationsOf();
    expect(report.rows.length).toBeGreaterThan(0);
    for (const row of report.rows) {
      const t0 = new Date(row.bucketStart);
      const t1 = new Date(row.bucketEnd);
      expect(row.occupiedSeconds).toBeCloseTo(occupiedSeconds(occupations, t0, t1), 6);
      expect(row.peakConcurrency).toBe(peakConcurrency(occupations, t0, t1));
      const offered = calls.filter((c) => {
        const t = Date.parse(c.arrivedAt);
        return t >= t0.getTime() && t < t1.getTime();
      }).length;
      expect(row.offered).toBe(offered);
    }
    const covered = report.rows.reduce((n, r) => n + r.occupiedSeconds, 0);
    const whole = occupiedSeconds(occupations, new Date(report.from), new Date(report.to));
    expect(covered).toBeCloseTo(whole, 3);
  });
});
