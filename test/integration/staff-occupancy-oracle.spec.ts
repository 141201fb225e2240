import { EntityManager } from '@mikro-orm/postgresql';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule } from '@/core.module';
import { Occupation, occupiedSeconds } from '@/modules/stats/kpi/line-load';
import { staffOccupancy } from '@/modules/stats/kpi/occupancy';
import { BucketSize } from '@/modules/stats/kpi/time-buckets';
import { StatsReportService } from '@/modules/stats/reports/stats-report.service';
import { RollupService } from '@/modules/stats/rollups/rollup.service';
import { StatsModule } from '@/modules/stats/stats.module';
import {
  CallFixture,
  insertCall,
  insertLine,
  insertQueue,
  insertStaff,
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
const WRAP_UP = 9;
const STATUSES = ['offline', 'available', 'break'] as const;

interface Span {
  status: (typeof STATUSES)[number];
  start: number;
  end: number;
}

/**
 * Per-person occupancy over a night with a DST change (Europe/Berlin, 2027-03-28): random
 * status spans and answered calls, read back through the staff report and compared with the
 * reference arithmetic (spans clipped with `occupiedSeconds`, talk by arrival, `staffOccupancy`).
 */
describe('staff occupancy against the reference functions (integration)', () => {
  let ctx: INestApplicationContext;
  let em: EntityManager;
  let reports: StatsReportService;
  const people: { id: string; spans: Span[]; calls: CallFixture[] }[] = [];

  beforeAll(async () => {
    ctx = await NestFactory.createApplicationContext(StatsTestModule, { logger: false });
    em = ctx.get(EntityManager).fork();
    reports = ctx.get(StatsReportService);
    const line = await insertLine(em, 5);
    const queue = await insertQueue(em, { wrapUpSeconds: WRAP_UP });
    const next = random(20270327);
    const iso = (ms: number) => new Date(ms).toISOString();
    for (let p = 0; p < 3; p++) {
      const person = { id: await insertStaff(em), spans: [] as Span[], calls: [] as CallFixture[] };
      // Contiguous spans from before the window to after it, as the trigger leaves them.
      let t = DAY_START - 3600_000 + Math.floor(next() * 3600_000);
      while (t < DAY_START + SPAN_MS + 3600_000) {
        const step = next() < 0.7 ? 1000 : 1;
        const length = Math.max(1, Math.floor((next() * 5400_000) / step) * step);
        const status = STATUSES[Math.floor(next() * 3)];
        person.spans.push({ status, start: t, end: t + length });
        t += length;
      }
      for (const span of person.spans) {
        await em.execute(
          `insert into staff_status_spans (user_id, status, started_at, ended_at)
           values (?, ?, ?::timestamptz, ?::timestamptz)`,
          [person.id, span.status, iso(span.start), iso(span.end)],
        );
      }
      for (let n = 0; n < 60; n++) {
        const arrived = DAY_START + Math.floor(next() * SPAN_MS);
        const answered = arrived + Math.floor(next() * 30_000);
        const ended = next() < 0.1 ? null : answered + Math.floor(next() * 1_200_000);
        const call: CallFixture = {
          arrivedAt: iso(arrived),
          answeredAt: iso(answered),
          endedAt: ended === null ? null : iso(ended),
          outcome: 'answered',
          lineId: line,
          queueId: queue.id,
          answeredById: person.id,
        };
        person.calls.push(call);
        await insertCall(em, call);
      }
      people.push(person);
    }
    await recompute(ctx.get(RollupService));
  });
  afterAll(() => ctx.close());

  it.each<[BucketSize, string]>([
    ['15m', 'UTC'],
    ['1h', 'Europe/Berlin'],
    ['1d', 'Europe/Berlin'],
  ])(
    'available seconds and occupancy per %s bucket in %s match the reference',
    async (bucket, tz) => {
      for (const person of people) {
        const report = await reports.staff({
          from: new Date(DAY_START).toISOString(),
          to: new Date(DAY_START + SPAN_MS).toISOString(),
          bucket,
          tz,
          staffId: person.id,
        });
        const available: Occupation[] = person.spans
          .filter((s) => s.status === 'available')
          .map((s) => ({ start: new Date(s.start), end: new Date(s.end) }));
        expect(report.rows.length).toBeGreaterThan(0);
        let checkedOccupancy = 0;
        for (const row of report.rows) {
          expect(row.staffId).toBe(person.id);
          const t0 = new Date(row.bucketStart);
          const t1 = new Date(row.bucketEnd);
          const arrived = person.calls.filter((c) => {
            const at = Date.parse(c.arrivedAt);
            return at >= t0.getTime() && at < t1.getTime();
          });
          const handled = arrived.filter((c) => c.endedAt);
          const talkSeconds = handled.reduce(
            (sum, c) => sum + (Date.parse(c.endedAt!) - Date.parse(c.answeredAt!)) / 1000,
            0,
          );
          const availableSeconds = occupiedSeconds(available, t0, t1);
          expect(row.answered).toBe(arrived.length);
          expect(row.talkSeconds).toBeCloseTo(talkSeconds, 3);
          expect(row.wrapUpSeconds).toBe(handled.length * WRAP_UP);
          expect(row.availableSeconds).toBeCloseTo(availableSeconds, 3);
          const expected = staffOccupancy({
            talkSeconds,
            wrapUpSeconds: handled.length * WRAP_UP,
            availableSeconds,
          });
          if (expected === null) expect(row.occupancy).toBeNull();
          else {
            expect(row.occupancy).toBeCloseTo(expected, 6);
            checkedOccupancy++;
          }
        }
        expect(checkedOccupancy).toBeGreaterThan(0);
        // Every bucket with a call or a second available has a row, and no other does.
        const total = report.rows.reduce((s, r) => s + r.availableSeconds, 0);
        expect(total).toBeCloseTo(
          occupiedSeconds(available, new Date(report.from), new Date(report.to)),
          3,
        );
        expect(report.rows.reduce((s, r) => s + r.answered, 0)).toBe(
          person.calls.filter((c) => {
            const at = Date.parse(c.arrivedAt);
            return at >= Date.parse(report.from) && at < Date.parse(report.to);
          }).length,
        );
      }
    },
  );

  it('a status change on staff_presence closes the open span and opens the next one', async () => {
    const id = await insertStaff(em);
    const at = async (status: string) => {
      await em.execute(
        `insert into staff_presence (user_id, status, state, state_since, updated_at)
         values (?, ?::staff_status, 'idle', now(), now())
         on conflict (user_id) do update set status = excluded.status, updated_at = now()`,
        [id, status],
      );
    };
    await at('available');
    await at('available'); // no change: no new span
    await at('break');
    await at('available');
    const spans = await em.execute<
      { status: string; started_at: string | Date; ended_at: string | Date | null }[]
    >(
      `select status, started_at, ended_at from staff_status_spans
        where user_id = ? order by started_at`,
      [id],
    );
    expect(spans.map((s) => s.status)).toEqual(['available', 'break', 'available']);
    expect(spans.filter((s) => s.ended_at === null)).toHaveLength(1);
    expect(spans[2].ended_at).toBeNull();
    for (let i = 0; i < spans.length - 1; i++) {
      expect(new Date(spans[i].ended_at!).getTime()).toBe(
        new Date(spans[i + 1].started_at).getTime(),
      );
    }
    // The open span counts up to now in today's report.
    const today = await reports.staff({
      from: new Date(Date.now() - 3600_000).toISOString(),
      to: new Date(Date.now() + 3600_000).toISOString(),
      bucket: '1d',
      tz: 'UTC',
      staffId: id,
    });
    expect(today.rows).toHaveLength(1);
    expect(today.rows[0]).toMatchObject({ answered: 0, occupancy: 0 });
    expect(today.rows[0].availableSeconds).toBeGreaterThan(0);
  });
});
