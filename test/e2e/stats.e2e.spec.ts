import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from '@workers/worker.module';
import type { LineDto } from '@/modules/directory/dto/line.dto';
import type { QueueDto } from '@/modules/directory/dto/queue.dto';
import { createLine, createQueue, uniqueSuffix } from '@test/factories/directory.factory';
import { startApp, TestApp } from '@test/support/test-app';
import { adminToken, createApiKey, createUser, TestUser } from '@test/support/users';

interface WireEvent {
  id: string;
  callId: string;
  type: string;
  at: string;
  line: string;
  from: string;
  queue?: string;
  agent?: string;
}

/** Fisher-Yates with a seed, so a failing order can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = Math.floor((state / 2147483648) * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`condition not met; last value ${JSON.stringify(value)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('stats over HTTP, fed by telephony events (e2e)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let key: string;
  let admin: string;
  let supervisor: TestUser;
  let agent: TestUser;
  let extension: string;
  let line: LineDto;

  beforeAll(async () => {
    app = await startApp();
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
    key = await createApiKey(app);
    admin = await adminToken(app);
    supervisor = await createUser(app, ['supervisor']);
    extension = `7${Math.floor(Math.random() * 1e8)}`;
    agent = await createUser(app, ['agent'], { extension });
    line = await createLine(app, admin, { channels: 3 });
  });
  afterAll(async () => {
    await worker.close();
    await app.close();
  });

  const get = (path: string, token = supervisor.token) =>
    app.http.get(path).set('authorization', `Bearer ${token}`);
  const send = async (events: WireEvent[]) => {
    const res = await app.http.post('/api/telephony/events').set('x-api-key', key).send(events);
    expect(res.status).toBe(200);
  };

  /**
   * Three calls on 2026-02-10 (UTC): answered after a 12 s wait, abandoned while queued, and
   * answered with no agent named after 40 s.
   */
  function history(queue: string, tag: string): WireEvent[] {
    const at = (s: number) => new Date(Date.parse('2026-02-10T09:58:00Z') + s * 1000).toISOString();
    const ev = (
      call: string,
      n: number,
      type: string,
      s: number,
      extra: Partial<WireEvent> = {},
    ) => ({
      id: `${tag}-${call}-${n}`,
      callId: `${tag}-${call}`,
      type,
      at: at(s),
      line: line.code,
      from: '+12015550188',
      queue,
      ...extra,
    });
    return [
      ev('a', 1, 'arrived', 0),
      ev('a', 2, 'queued', 3),
      ev('a', 3, 'offered', 10, { agent: extension }),
      ev('a', 4, 'answered', 15, { agent: extension }),
      ev('a', 5, 'ended', 195, { agent: extension }),
      ev('b', 1, 'arrived', 100),
      ev('b', 2, 'queued', 101),
      ev('b', 3, 'abandoned', 150),
      ev('c', 1, 'arrived', 130),
      ev('c', 2, 'answered', 170),
      ev('c', 3, 'ended', 230),
    ];
  }

  describe('rollups kept current by the worker', () => {
    let inOrder: QueueDto;
    let replayed: QueueDto;

    beforeAll(async () => {
      [inOrder, replayed] = await Promise.all([
        createQueue(app, admin, { wrapUpSeconds: 5 }),
        createQueue(app, admin, { wrapUpSeconds: 5 }),
      ]);
      const tag = `st-${uniqueSuffix()}`;
      await send(history(inOrder.code, `${tag}-1`));
      // The same calls replayed late, newest first: the hang-ups come before the arrivals, in
      // three batches shuffled inside, some events twice. Every call is closed by the first
      // batch, so nothing is left waiting for routing to act on between batches.
      const events = history(replayed.code, `${tag}-2`).sort((a, b) => b.at.localeCompare(a.at));
      const batches = [
        events.slice(0, 4),
        events.slice(4, 8),
        [...events.slice(8), ...events.slice(1, 5)],
      ];
      for (const [n, batch] of batches.entries()) await send(shuffled(batch, n + 42));
    });

    const queueReport = (queueId: string, extra = '') =>
      get(
        `/api/stats/queues?from=2026-02-10T00:00:00Z&to=2026-02-11T00:00:00Z&bucket=1d&tz=UTC&queueId=${queueId}${extra}`,
      );

    it('answers the KPIs of calls sent through the telephony API, without being asked to', async () => {
      const res = await eventually(
        () => queueReport(inOrder.id),
        (r) => r.status === 200 && r.body.rows[0]?.offered === 3 && r.body.rows[0]?.aht !== null,
      );
      expect(res.body.rows).toEqual([
        expect.objectContaining({
          queueId: inOrder.id,
          queueCode: inOrder.code,
          bucketStart: '2026-02-10T00:00:00.000Z',
          offered: 3,
          answered: 2,
          abandoned: 1,
          waitMedian: 12,
          waitP90: 40,
          waitMax: 40,
          asa: 26,
          serviceLevel: 1 / 3,
          // (180 + 5 + 60 + 5) / 2
          aht: 125,
        }),
      ]);
      // The agent answered call a in both queues.
      const staff = await eventually(
        () =>
          get(
            `/api/stats/staff?from=2026-02-10&to=2026-02-11&bucket=1d&tz=UTC&staffId=${agent.id}`,
          ),
        (r) => r.body.rows?.[0]?.answered === 2,
      );
      expect(staff.body.rows).toEqual([
        expect.objectContaining({
          staffId: agent.id,
          answered: 2,
          handled: 2,
          talkSeconds: 360,
          wrapUpSeconds: 10,
          aht: 185,
        }),
      ]);
    });

    it('gives the same rollup for events replayed out of order, in batches, with duplicates', async () => {
      const strip = (rows: Record<string, unknown>[]) =>
        rows.map(({ queueId: _id, queueCode: _code, ...figures }) => figures);
      const expected = await eventually(
        () => queueReport(inOrder.id),
        (r) => r.body.rows?.[0]?.offered === 3,
      );
      const res = await eventually(
        () => queueReport(replayed.id),
        (r) =>
          JSON.stringify(strip(r.body.rows ?? [])) === JSON.stringify(strip(expected.body.rows)),
      );
      expect(strip(res.body.rows)).toEqual(strip(expected.body.rows));
    });

    it('answers CSV when asked for text/csv', async () => {
      await eventually(
        () => queueReport(inOrder.id),
        (r) => r.body.rows?.[0]?.offered === 3,
      );
      const res = await queueReport(inOrder.id).set('accept', 'text/csv').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const [header, row, end] = res.text.split('\r\n');
      expect(header.split(',').slice(0, 6)).toEqual([
        'bucketStart',
        'bucketEnd',
        'queueId',
        'queueCode',
        'offered',
        'answered',
      ]);
      expect(row.split(',').slice(0, 6)).toEqual([
        '2026-02-10T00:00:00.000Z',
        '2026-02-11T00:00:00.000Z',
        inOrder.id,
        inOrder.code,
        '3',
        '2',
      ]);
      expect(end).toBe('');
    });

    it('shows line traffic, the heatmap and a forecast for the same calls', async () => {
      await eventually(
        () => queueReport(replayed.id),
        (r) => r.body.rows?.[0]?.offered === 3,
      );
      const lines = await get(
        `/api/stats/lines?from=2026-02-10T09:45:00Z&to=2026-02-10T10:15:00Z&bucket=15m&tz=UTC&lineId=${line.id}`,
      ).expect(200);
      // Per queue: a 09:58:00-10:01:15, b 09:59:40-10:00:30, c 10:00:10-10:01:50, twice.
      expect(lines.body.rows).toEqual([
        expect.objectContaining({
          offered: 4,
          occupiedSeconds: 2 * (120 + 20),
          peakConcurrency: 4,
        }),
        expect.objectContaining({
          offered: 2,
          occupiedSeconds: 2 * (75 + 30 + 100),
          peakConcurrency: 6,
        }),
      ]);
      const heatmap = await get(
        `/api/stats/heatmap?from=2026-02-09&to=2026-02-16&tz=UTC&queueId=${inOrder.id}`,
      ).expect(200);
      // Tuesday, 09:00 and 10:00.
      expect(heatmap.body.matrix[1][9]).toBe(2);
      expect(heatmap.body.matrix[1][10]).toBe(1);
      const forecast = await get(
        `/api/stats/forecast?queue=${inOrder.code}&from=2026-02-10&to=2026-02-11&tz=UTC`,
      ).expect(200);
      expect(forecast.body.hours).toHaveLength(24);
      expect(forecast.body.hours[9]).toMatchObject({ arrivals: 2, arrivalsPerHour: 2, aht: 185 });
      for (const key of [
        'lines',
        'agents',
        'blocking',
        'pWait',
        'serviceLevel',
        'asa',
        'occupancy',
      ]) {
        expect(typeof forecast.body.hours[9][key]).toBe('number');
      }
    });
  });

  describe('bad input', () => {
    const codeOf = async (path: string, status = 400) =>
      ((await get(path).expect(status)).body as { error: { code: string; field?: string } }).error;

    it('answers 400 with a stable code for every kind of bad range', async () => {
      expect(await codeOf('/api/stats/lines?from=2026-02-11&to=2026-02-10')).toMatchObject({
        code: 'INVALID_RANGE',
      });
      expect(
        await codeOf('/api/stats/queues?from=2026-02-10&to=2026-02-11&tz=Mars/Olympus'),
      ).toEqual(expect.objectContaining({ code: 'INVALID_TIME_ZONE', field: 'tz' }));
      expect(await codeOf('/api/stats/staff?from=2026-02-10&to=2026-02-11&bucket=5m')).toEqual(
        expect.objectContaining({ code: 'INVALID_BUCKET', field: 'bucket' }),
      );
      expect(await codeOf('/api/stats/clients?from=2020-01-01&to=2026-01-01&bucket=15m')).toEqual(
        expect.objectContaining({ code: 'TOO_MANY_BUCKETS' }),
      );
      expect(await codeOf('/api/stats/lines?to=2026-02-11')).toEqual(
        expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'from' }),
      );
      expect(await codeOf('/api/stats/lines?from=yesterday&to=2026-02-11')).toEqual(
        expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'from' }),
      );
      expect(await codeOf('/api/stats/lines?from=2026-02-10&to=2026-02-11&lineId=7')).toEqual(
        expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'lineId' }),
      );
      expect(await codeOf('/api/stats/heatmap?from=2026-02-10&to=2026-02-11&tz=Nowhere')).toEqual(
        expect.objectContaining({ code: 'INVALID_TIME_ZONE' }),
      );
      expect(
        await codeOf(
          `/api/stats/forecast?queue=no-such-${uniqueSuffix()}&from=2026-02-10&to=2026-02-11`,
          404,
        ),
      ).toEqual(expect.objectContaining({ code: 'NOT_FOUND' }));
    });

    it('a year of hours is fine; 50,000 buckets is the limit', async () => {
      await get('/api/stats/lines?from=2025-01-01&to=2026-01-01&bucket=1h').expect(200);
      await get(
        '/api/stats/lines?from=2025-01-01T00:00:00Z&to=2026-07-01T00:00:00Z&bucket=15m',
      ).expect(400);
    });

    it('is for supervisors and admins only', async () => {
      await get('/api/stats/lines?from=2026-02-10&to=2026-02-11', agent.token).expect(403);
      await get('/api/stats/lines?from=2026-02-10&to=2026-02-11', admin).expect(200);
    });
  });
});
