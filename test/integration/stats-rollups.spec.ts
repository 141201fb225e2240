import { EntityManager } from '@mikro-orm/postgresql';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule } from '@/core.module';
import { StatsReportService } from '@/modules/stats/reports/stats-report.service';
import { RollupRepository } from '@/modules/stats/rollups/rollup.repository';
import { RollupService } from '@/modules/stats/rollups/rollup.service';
import { StatsModule } from '@/modules/stats/stats.module';
import {
  insertCall,
  insertClient,
  insertLine,
  insertOffer,
  insertQueue,
  insertStaff,
  recompute,
  rollupRows,
  updateCall,
} from '@test/support/stats-fixtures';

@Module({ imports: [CoreModule, StatsModule] })
class StatsTestModule {}

const BERLIN = 'Europe/Berlin';

/**
 * Hand-computed scenarios on rows written with exact timestamps. Line L has 2 channels, queue Q
 * a 20 s threshold and 10 s of wrap-up. Saturday 2026-03-28 is CET (UTC+1); clocks go forward
 * at 01:00 UTC on Sunday 2026-03-29 (a 23-hour day) and back at 01:00 UTC on 2026-10-25 (25 h).
 */
describe('stats rollups (integration)', () => {
  let ctx: INestApplicationContext;
  let em: EntityManager;
  let rollups: RollupService;
  let reports: StatsReportService;
  let line: string;
  let queue: { id: string; code: string };
  let s1: string;
  let s2: string;
  let client: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ctx = await NestFactory.createApplicationContext(StatsTestModule, { logger: false });
    em = ctx.get(EntityManager).fork();
    rollups = ctx.get(RollupService);
    reports = ctx.get(StatsReportService);
    line = await insertLine(em, 2);
    queue = await insertQueue(em, { slThresholdSeconds: 20, wrapUpSeconds: 10 });
    [s1, s2, client] = await Promise.all([insertStaff(em), insertStaff(em), insertClient(em)]);
    const on = { lineId: line, queueId: queue.id };

    // A: crosses the 10:15 bucket boundary; waits 30 s, talks 600 s.
    ids.a = await insertCall(em, {
      ...on,
      arrivedAt: '2026-03-28T10:10:00Z',
      queuedAt: '2026-03-28T10:10:05Z',
      answeredAt: '2026-03-28T10:10:35Z',
      endedAt: '2026-03-28T10:20:35Z',
      outcome: 'answered',
      answeredById: s1,
      clientId: client,
    });
    // B: zero length, abandoned before it was ever queued.
    ids.b = await insertCall(em, {
      ...on,
      arrivedAt: '2026-03-28T10:12:00Z',
      endedAt: '2026-03-28T10:12:00Z',
      outcome: 'abandoned',
    });
    // C: answered with no agent known, never queued: waits from arrival (10 s).
    ids.c = await insertCall(em, {
      ...on,
      arrivedAt: '2026-03-28T10:14:00Z',
      answeredAt: '2026-03-28T10:14:10Z',
      endedAt: '2026-03-28T10:15:10Z',
      outcome: 'answered',
    });
    // D: abandoned after queueing.
    ids.d = await insertCall(em, {
      ...on,
      arrivedAt: '2026-03-28T10:16:00Z',
      queuedAt: '2026-03-28T10:16:02Z',
      endedAt: '2026-03-28T10:16:50Z',
      outcome: 'abandoned',
    });
    // E: blocked: counted, but never held a channel.
    ids.e = await insertCall(em, {
      ...on,
      arrivedAt: '2026-03-28T10:17:00Z',
      endedAt: '2026-03-28T10:17:01Z',
      outcome: 'blocked',
    });
    // F: missed after 5 minutes in the queue.
    ids.f = await insertCall(em, {
      ...on,
      arrivedAt: '2026-03-28T10:18:00Z',
      queuedAt: '2026-03-28T10:18:00Z',
      endedAt: '2026-03-28T10:23:00Z',
      outcome: 'missed',
    });
    // G: arrives 23:59:30 Berlin time, answered after midnight: counts on Saturday.
    ids.g = await insertCall(em, {
      ...on,
      arrivedAt: '2026-03-28T22:59:30Z',
      queuedAt: '2026-03-28T22:59:35Z',
      answeredAt: '2026-03-28T23:00:20Z',
      endedAt: '2026-03-28T23:05:20Z',
      outcome: 'answered',
      answeredById: s2,
      clientId: client,
    });
    // H: 01:55 CET → 03:10 CEST across the spring change; waits 15 s, talks 885 s.
    ids.h = await insertCall(em, {
      ...on,
      arrivedAt: '2026-03-29T00:55:00Z',
      queuedAt: '2026-03-29T00:55:00Z',
      answeredAt: '2026-03-29T00:55:15Z',
      endedAt: '2026-03-29T01:10:00Z',
      outcome: 'answered',
      answeredById: s1,
    });
    // I: 02:50 CEST → 02:20 CET across the autumn change; waits 5 s from arrival.
    ids.i = await insertCall(em, {
      ...on,
      arrivedAt: '2026-10-25T00:50:00Z',
      answeredAt: '2026-10-25T00:50:05Z',
      endedAt: '2026-10-25T01:20:00Z',
      outcome: 'answered',
      answeredById: s2,
    });
    await insertOffer(em, {
      staffId: s1,
      itemId: ids.a,
      status: 'accepted',
      createdAt: '2026-03-28T10:10:30Z',
    });
    await insertOffer(em, {
      staffId: s2,
      itemId: ids.f,
      status: 'expired',
      createdAt: '2026-03-28T10:18:05Z',
    });
    await insertOffer(em, {
      staffId: s2,
      itemId: ids.f,
      status: 'declined',
      createdAt: '2026-03-28T10:18:20Z',
    });
    await insertOffer(em, {
      staffId: s1,
      itemId: ids.a,
      status: 'accepted',
      createdAt: '2026-03-28T10:30:00Z',
      kind: 'request',
    });
    await recompute(rollups);
  });
  afterAll(() => ctx.close());

  const range = (from: string, to: string, bucket: string, tz = BERLIN) => ({
    from,
    to,
    bucket,
    tz,
  });

  describe('queues', () => {
    it('counts every call on the Berlin day it arrived, with exact percentiles', async () => {
      const report = await reports.queues({
        ...range('2026-03-28', '2026-03-30', '1d'),
        queueId: queue.id,
      });
      expect(report.from).toBe('2026-03-27T23:00:00.000Z');
      expect(report.to).toBe('2026-03-29T22:00:00.000Z');
      expect(report.rows).toHaveLength(2);
      const [saturday, sunday] = report.rows;
      expect(saturday).toMatchObject({
        queueId: queue.id,
        queueCode: queue.code,
        bucketStart: '2026-03-27T23:00:00.000Z',
        bucketEnd: '2026-03-28T23:00:00.000Z',
        offered: 7,
        answered: 3,
        abandoned: 2,
        missed: 1,
        blocked: 1,
        waitMedian: 30,
        waitP90: 45,
        waitMax: 45,
        slThresholdSeconds: 20,
      });
      expect(saturday.abandonRate).toBeCloseTo(2 / 7, 12);
      expect(saturday.asa).toBeCloseTo((30 + 10 + 45) / 3, 12);
      expect(saturday.serviceLevel).toBeCloseTo(1 / 7, 12);
      expect(saturday.aht).toBeCloseTo((610 + 70 + 310) / 3, 12);
      // The spring-forward day has 23 hours.
      expect(sunday).toMatchObject({
        bucketStart: '2026-03-28T23:00:00.000Z',
        bucketEnd: '2026-03-29T22:00:00.000Z',
        offered: 1,
        answered: 1,
        waitMedian: 15,
        serviceLevel: 1,
        aht: 895,
      });
    });

    it('a 15-minute answer is the raw bucket; an hour merges its four', async () => {
      const quarter = await reports.queues({
        ...range('2026-03-28T10:00:00Z', '2026-03-28T10:30:00Z', '15m', 'UTC'),
        queueId: queue.id,
      });
      expect(quarter.rows.map((r) => [r.bucketStart, r.offered, r.answered])).toEqual([
        ['2026-03-28T10:00:00.000Z', 3, 2],
        ['2026-03-28T10:15:00.000Z', 3, 0],
      ]);
      const hour = await reports.queues({
        ...range('2026-03-28T11:00:00+01:00', '2026-03-28T12:00:00+01:00', '1h'),
        queueId: queue.id,
      });
      expect(hour.rows).toEqual([
        expect.objectContaining({ offered: 6, answered: 2, waitMedian: 10, waitP90: 30 }),
      ]);
    });

    it('keeps both autumn 02:00 hours apart and the 25-hour day whole', async () => {
      const hours = await reports.queues({
        ...range('2026-10-25T00:00', '2026-10-25T04:00', '1h'),
        queueId: queue.id,
      });
      expect(hours.rows.map((r) => [r.bucketStart, r.bucketEnd, r.offered])).toEqual([
        ['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z', 1],
      ]);
      const day = await reports.queues({
        ...range('2026-10-25', '2026-10-26', '1d'),
        queueId: queue.id,
      });
      expect(day.rows[0]).toMatchObject({
        bucketStart: '2026-10-24T22:00:00.000Z',
        bucketEnd: '2026-10-25T23:00:00.000Z',
        offered: 1,
        waitMax: 5,
      });
    });
  });

  describe('lines', () => {
    it('splits traffic by time and cuts days and hours in Berlin', async () => {
      const days = await reports.lines({
        ...range('2026-03-28', '2026-03-30', '1d'),
        lineId: line,
      });
      const [saturday, sunday] = days.rows;
      // A 635 + C 70 + D 50 + F 300 + G's 30 s before midnight; B is zero length, E blocked.
      expect(saturday).toMatchObject({
        lineId: line,
        offered: 7,
        answered: 3,
        abandoned: 2,
        missed: 1,
        blocked: 1,
        occupiedSeconds: 1085,
        peakConcurrency: 2,
        channels: 2,
      });
      expect(saturday.traffic).toBeCloseTo(1085 / 86_400, 12);
      expect(saturday.occupancy).toBeCloseTo(1085 / 86_400 / 2, 12);
      // G's 320 s after midnight and H's 900 s, over a 23-hour day.
      expect(sunday).toMatchObject({ offered: 1, occupiedSeconds: 1220, peakConcurrency: 1 });
      expect(sunday.traffic).toBeCloseTo(1220 / 82_800, 12);

      const hours = await reports.lines({
        ...range('2026-03-29T01:00', '2026-03-29T04:00', '1h'),
        lineId: line,
      });
      expect(hours.rows.map((r) => [r.bucketStart, r.occupiedSeconds, r.traffic])).toEqual([
        ['2026-03-29T00:00:00.000Z', 300, 300 / 3600],
        ['2026-03-29T01:00:00.000Z', 600, 600 / 3600],
      ]);
    });

    it('counts a zero-length call at its instant on top of the calls active then', async () => {
      const quarter = await reports.lines({
        ...range('2026-03-28T10:00:00Z', '2026-03-28T10:30:00Z', '15m', 'UTC'),
        lineId: line,
      });
      expect(quarter.rows.map((r) => [r.occupiedSeconds, r.peakConcurrency])).toEqual([
        [300 + 60, 2],
        [335 + 10 + 50 + 300, 2],
      ]);
    });

    it('splits the autumn call over the two 02:00 hours', async () => {
      const hours = await reports.lines({
        // The wall clock reads 02:00 twice; the offsets say which one.
        ...range('2026-10-25T02:00:00+02:00', '2026-10-25T03:00:00+01:00', '1h'),
        lineId: line,
      });
      expect(hours.rows.map((r) => [r.bucketStart, r.occupiedSeconds])).toEqual([
        ['2026-10-25T00:00:00.000Z', 600],
        ['2026-10-25T01:00:00.000Z', 1200],
      ]);
    });
  });

  describe('staff and clients', () => {
    it('credits answers and talk by arrival and offers by when they were made', async () => {
      const report = await reports.staff({
        ...range('2026-03-28', '2026-03-29', '1d'),
      });
      const mine = report.rows.filter((r) => r.staffId === s1 || r.staffId === s2);
      expect(mine.find((r) => r.staffId === s1)).toMatchObject({
        offers: 1,
        accepted: 1,
        declined: 0,
        noAnswer: 0,
        requestsAccepted: 1,
        answered: 1,
        handled: 1,
        talkSeconds: 600,
        wrapUpSeconds: 10,
        aht: 610,
      });
      expect(mine.find((r) => r.staffId === s2)).toMatchObject({
        offers: 2,
        accepted: 0,
        declined: 1,
        noAnswer: 1,
        answered: 1,
        talkSeconds: 300,
      });
    });

    it('counts a client contact on the day it arrived', async () => {
      const report = await reports.clients({
        ...range('2026-03-28', '2026-03-30', '1d'),
        clientId: client,
      });
      expect(report.rows).toEqual([
        expect.objectContaining({
          clientId: client,
          bucketStart: '2026-03-27T23:00:00.000Z',
          contacts: 2,
          answered: 2,
        }),
      ]);
    });
  });

  describe('heatmap and forecast', () => {
    it('puts arrivals on the Berlin weekday and hour', async () => {
      const map = await reports.heatmap({
        from: '2026-03-23',
        to: '2026-03-30',
        tz: BERLIN,
        queueId: queue.id,
      });
      expect(map.matrix[5][11]).toBe(6); // Saturday 11:xx CET
      expect(map.matrix[5][23]).toBe(1); // Saturday 23:59:30
      expect(map.matrix[6][1]).toBe(1); // Sunday 01:55 CET
      expect(map.rows).toHaveLength(168);
      expect(map.rows.reduce((n, c) => n + c.arrivals, 0)).toBe(8);
    });

    it('turns observed arrivals and AHT per hour of day into lines and agents', async () => {
      const forecast = await reports.forecast({
        queue: queue.code,
        from: '2026-03-28',
        to: '2026-03-29',
        tz: BERLIN,
      });
      const eleven = forecast.hours[11];
      // One Saturday: 6 arrivals at 11h, handled A (610 s) and C (70 s).
      expect(eleven).toMatchObject({ hoursObserved: 1, arrivals: 6, arrivalsPerHour: 6, aht: 340 });
      expect(eleven.erlangs).toBeCloseTo((6 * 340) / 3600, 12);
      expect(eleven.lines).toBeGreaterThanOrEqual(1);
      expect(eleven.blocking).toBeLessThanOrEqual(0.01);
      expect(eleven.serviceLevel).toBeGreaterThanOrEqual(0.8);
      expect(forecast.hours[3]).toMatchObject({ arrivals: 0, erlangs: 0, agents: null });
    });
  });

  describe('incremental and idempotent', () => {
    it('moves a call out of its old bucket when a late event moves its arrival', async () => {
      const q = await insertQueue(em);
      const call = await insertCall(em, {
        queueId: q.id,
        arrivedAt: '2026-05-05T12:40:00Z',
        endedAt: '2026-05-05T12:41:00Z',
        outcome: 'abandoned',
      });
      await recompute(rollups);
      const before = await reports.queues({
        ...range('2026-05-05T12:00:00Z', '2026-05-05T13:00:00Z', '15m', 'UTC'),
        queueId: q.id,
      });
      expect(before.rows.map((r) => [r.bucketStart, r.offered])).toEqual([
        ['2026-05-05T12:30:00.000Z', 1],
      ]);
      await updateCall(em, call, { arrivedAt: '2026-05-05T12:05:00Z' });
      await recompute(rollups);
      const after = await reports.queues({
        ...range('2026-05-05T12:00:00Z', '2026-05-05T13:00:00Z', '15m', 'UTC'),
        queueId: q.id,
      });
      expect(after.rows.map((r) => [r.bucketStart, r.offered])).toEqual([
        ['2026-05-05T12:00:00.000Z', 1],
      ]);
    });

    it('finds a call far longer than usual in every hour it spans, also in a partial rebuild', async () => {
      const longLine = await insertLine(em, 1);
      await insertCall(em, {
        lineId: longLine,
        arrivedAt: '2026-06-01T00:00:00Z',
        answeredAt: '2026-06-01T00:00:05Z',
        endedAt: '2026-06-01T10:00:00Z',
        outcome: 'answered',
      });
      await recompute(rollups);
      const hours = async () =>
        (
          await reports.lines({
            ...range('2026-06-01T00:00:00Z', '2026-06-01T12:00:00Z', '1h', 'UTC'),
            lineId: longLine,
          })
        ).rows.map((r) => [r.bucketStart.slice(11, 13), r.occupiedSeconds, r.peakConcurrency]);
      const expected = Array.from({ length: 10 }, (_, h) => [String(h).padStart(2, '0'), 3600, 1]);
      expect(await hours()).toEqual(expected);
      await rollups.rebuild(new Date('2026-06-01T09:00:00Z'), new Date('2026-06-01T10:00:00Z'));
      expect(await hours()).toEqual(expected);
    });

    it('a rebuild and a retried rebuild write the same rows as the incremental pass', async () => {
      const dims = {
        lineIds: [line],
        queueIds: [queue.id],
        staffIds: [s1, s2],
        clientIds: [client],
      };
      const incremental = await rollupRows(em, dims);
      expect(incremental.lines.length).toBeGreaterThan(0);
      await rollups.rebuild(new Date('2026-03-28T00:00:00Z'), new Date('2026-03-30T00:00:00Z'));
      await rollups.rebuild(new Date('2026-10-24T00:00:00Z'), new Date('2026-10-26T00:00:00Z'));
      expect(await rollupRows(em, dims)).toEqual(incremental);
      await rollups.rebuild(new Date('2026-03-28T00:00:00Z'), new Date('2026-03-30T00:00:00Z'));
      await recompute(rollups);
      expect(await rollupRows(em, dims)).toEqual(incremental);
    });

    it('a pass killed after deleting leaves every row as it was', async () => {
      const dims = { lineIds: [line], queueIds: [queue.id] };
      const before = await rollupRows(em, dims);
      const repo = ctx.get(RollupRepository);
      await expect(
        em.fork().transactional(async (tx) => {
          await repo.rewrite(
            tx,
            [{ start: new Date('2026-03-28T00:00:00Z'), end: new Date('2026-03-30T00:00:00Z') }],
            { calls: true, staff: true },
          );
          await tx.execute(`delete from stats_line_15m where line_id = ?`, [line]);
          throw new Error('worker killed');
        }),
      ).rejects.toThrow('worker killed');
      expect(await rollupRows(em, dims)).toEqual(before);
    });
  });
});
