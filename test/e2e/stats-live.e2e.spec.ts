import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Socket } from 'socket.io-client';
import { WorkerModule } from '@workers/worker.module';
import type { LineDto } from '@/modules/directory/dto/line.dto';
import type { QueueDto } from '@/modules/directory/dto/queue.dto';
import type { StatsLivePayload, StatsThresholdPayload } from '@/modules/stats/dto/live.dto';
import { createLine, createQueue, uniqueSuffix } from '@test/factories/directory.factory';
import { connected, connectSocket, startApp, TestApp } from '@test/support/test-app';
import { adminToken, createApiKey, createUser, TestUser } from '@test/support/users';

/** Resolves with the first event of `name` on `socket` that `accept` takes. */
function next<T>(
  socket: Socket,
  name: string,
  accept: (payload: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let last: T | undefined;
    const timer = setTimeout(() => {
      socket.off(name, listener);
      reject(new Error(`no matching ${name} in ${timeoutMs} ms; last: ${JSON.stringify(last)}`));
    }, timeoutMs);
    const listener = (payload: T) => {
      last = payload;
      if (!accept(payload)) return;
      clearTimeout(timer);
      socket.off(name, listener);
      resolve(payload);
    };
    socket.on(name, listener);
  });
}

describe('live supervisor feed (e2e)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let key: string;
  let supervisor: TestUser;
  let agent: TestUser;
  let line: LineDto;
  let queue: QueueDto;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    app = await startApp();
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
    const admin = await adminToken(app);
    key = await createApiKey(app);
    [supervisor, agent] = await Promise.all([
      createUser(app, ['supervisor']),
      createUser(app, ['agent']),
    ]);
    line = await createLine(app, admin, { channels: 4 });
    queue = await createQueue(app, admin, { slThresholdSeconds: 20 });
    // A member who stays offline, so routing has nobody to offer the calls to and they wait.
    await app.http
      .put(`/api/queues/${queue.id}/members/${agent.id}`)
      .set('authorization', `Bearer ${admin}`)
      .send({})
      .expect((res) => expect(res.status).toBeLessThan(300));
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await worker.close();
    await app.close();
  });

  const open = async (user: TestUser) => {
    const socket = connectSocket(app.url, { token: user.token });
    sockets.push(socket);
    return connected(socket);
  };

  it('sends every supervisor one snapshot per tick, raises and clears thresholds', async () => {
    const watcher = await open(supervisor);
    const agentSocket = await open(agent);
    const agentLive: unknown[] = [];
    agentSocket.on('stats.live', (p: unknown) => agentLive.push(p));
    const thresholds: StatsThresholdPayload[] = [];
    watcher.on('stats.threshold', (p: StatsThresholdPayload) => thresholds.push(p));

    // Eleven callers waiting on four channels: over the default limits of 10 waiting and 90 %.
    const tag = `live-${uniqueSuffix()}`;
    const arrived = new Date(Date.now() - 30_000).toISOString();
    const calls = Array.from({ length: 11 }, (_, n) => `${tag}-${n}`);
    const events = calls.flatMap((callId) => [
      {
        id: `${callId}-1`,
        callId,
        type: 'arrived',
        at: arrived,
        line: line.code,
        from: '+12015550142',
        queue: queue.code,
      },
      {
        id: `${callId}-2`,
        callId,
        type: 'queued',
        at: arrived,
        line: line.code,
        from: '+12015550142',
        queue: queue.code,
      },
    ]);
    await app.http.post('/api/telephony/events').set('x-api-key', key).send(events).expect(200);

    const busy = await next<StatsLivePayload>(watcher, 'stats.live', (p) =>
      p.queues.some((q) => q.queueId === queue.id && q.waiting === 11),
    );
    const q = busy.queues.find((x) => x.queueId === queue.id)!;
    expect(q).toMatchObject({
      queueCode: queue.code,
      slThresholdSeconds: 20,
      waiting: 11,
      today: { offered: 11, answered: 0, abandoned: 0, serviceLevel: 0, asa: null },
    });
    expect(q.longestWaitSeconds).toBeGreaterThanOrEqual(29);
    expect(q.staff.byStatus).toEqual({ offline: 1, available: 0, break: 0 });
    expect(q.staff.byState.idle).toBe(1);
    const l = busy.lines.find((x) => x.lineId === line.id)!;
    expect(l).toMatchObject({ lineCode: line.code, channels: 4, callsNow: 11, occupancy: 11 / 4 });
    // Eleven calls for at least the last 30 s of the window.
    expect(l.erlangs15m).toBeGreaterThanOrEqual((11 * 29) / 900);
    expect(l.erlangs60m).toBeCloseTo(l.erlangs15m / 4, 2);
    expect(busy.timeZone).toBe('UTC');

    const raised = await waitFor(thresholds, (t) => t.state === 'raised', [queue.id, line.id]);
    expect(raised.map((t) => [t.kind, t.subject.id, t.value, t.threshold]).sort()).toEqual(
      [
        ['line.occupancy', line.id, 11 / 4, 0.9],
        ['queue.waiting', queue.id, 11, 10],
      ].sort(),
    );

    // Everybody hangs up: the queue empties and both breaches clear, once each.
    const gone = new Date().toISOString();
    await app.http
      .post('/api/telephony/events')
      .set('x-api-key', key)
      .send(
        calls.map((callId) => ({
          id: `${callId}-3`,
          callId,
          type: 'abandoned',
          at: gone,
          line: line.code,
          from: '+12015550142',
          queue: queue.code,
        })),
      )
      .expect(200);
    const calm = await next<StatsLivePayload>(watcher, 'stats.live', (p) =>
      p.queues.some((x) => x.queueId === queue.id && x.waiting === 0),
    );
    expect(calm.queues.find((x) => x.queueId === queue.id)!.today).toMatchObject({
      offered: 11,
      abandoned: 11,
    });
    expect(calm.lines.find((x) => x.lineId === line.id)!.callsNow).toBe(0);
    const cleared = await waitFor(thresholds, (t) => t.state === 'cleared', [queue.id, line.id]);
    expect(cleared.map((t) => t.id).sort()).toEqual(raised.map((t) => t.id).sort());

    // Raised once and cleared once, however many ticks passed.
    await new Promise((r) => setTimeout(r, 2500));
    expect(thresholds.filter((t) => [queue.id, line.id].includes(t.subject.id))).toHaveLength(4);
    expect(agentLive).toEqual([]);

    // Each breach that started is also in the supervisor's inbox, once; clearing adds nothing.
    const inbox = await app.http
      .get('/api/notifications')
      .set('authorization', `Bearer ${supervisor.token}`)
      .expect(200);
    const alerts = (inbox.body.items as { kind: string; data: { subject: { id: string } } }[])
      .filter((n) => n.kind === 'threshold' && [queue.id, line.id].includes(n.data.subject.id))
      .map((n) => n.data.subject.id)
      .sort();
    expect(alerts).toEqual([queue.id, line.id].sort());
  });
});

/** Polls the collected events until one of each subject matches. */
async function waitFor(
  seen: StatsThresholdPayload[],
  accept: (t: StatsThresholdPayload) => boolean,
  subjects: string[],
  timeoutMs = 20_000,
): Promise<StatsThresholdPayload[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = subjects.map((id) => seen.find((t) => t.subject.id === id && accept(t)));
    if (found.every((t) => t !== undefined)) return found;
    if (Date.now() > deadline) throw new Error(`thresholds seen: ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
