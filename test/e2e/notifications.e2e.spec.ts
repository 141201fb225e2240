import { MikroORM } from '@mikro-orm/core';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { JobPayloads } from '@/queue/job-catalogue';
import { BroadcastRenotifyJob } from '@/modules/notifications/jobs/broadcast-renotify.job';
import { FanOutJob } from '@/modules/notifications/jobs/fan-out.job';
import { NotificationsService } from '@/modules/notifications/notifications.service';
import type { NotifyInput } from '@/modules/notifications/notifications.events';
import { WorkerModule } from '@workers/worker.module';
import { EventRecorder, eventually } from '@test/support/event-recorder';
import { startApp, TestApp } from '@test/support/test-app';
import { adminToken, createUser, TestUser } from '@test/support/users';

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string } };
type FanOut = JobPayloads['notifications.fan-out'];
type Renotify = JobPayloads['notifications.broadcast-renotify'];

function fanOutJob(data: FanOut): Job<FanOut> {
  return { data } as Job<FanOut>;
}

function payload(userIds: string[], extra: Partial<NotifyInput> = {}): FanOut {
  return {
    sourceId: `test:${randomUUID()}`,
    kind: 'assignment',
    userIds,
    title: 'Request assigned to you',
    body: 'Request 42',
    data: { requestId: randomUUID() },
    critical: false,
    ...extra,
  };
}

describe('notifications (e2e)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let supervisor: TestUser;
  const recorders: EventRecorder[] = [];
  const record = (url: string, auth: Record<string, unknown>) => {
    const r = new EventRecorder(url, auth);
    recorders.push(r);
    return r;
  };
  const auth = (user: TestUser) => ({ authorization: `Bearer ${user.token}` });
  const fanOut = (data: FanOut) => worker.get(FanOutJob).handle(fanOutJob(data));
  const sql = async <T>(query: string, params: unknown[]): Promise<T> =>
    (await worker.get(MikroORM).em.fork().getConnection().execute(query, params)) as T;

  beforeAll(async () => {
    app = await startApp({ BROADCAST_RENOTIFY_SECONDS: '1' });
    process.env.BROADCAST_RENOTIFY_SECONDS = '1';
    try {
      worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
      await worker.init();
    } finally {
      delete process.env.BROADCAST_RENOTIFY_SECONDS;
    }
    supervisor = await createUser(app, ['supervisor']);
  });
  afterEach(() => recorders.splice(0).forEach((r) => r.close()));
  afterAll(async () => {
    await worker.close();
    await app.close();
  });

  it('turns a domain event into one notification per recipient through the queue, live with a seq', async () => {
    const [anna, boris] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const socket = record(app.url, { token: anna.token });
    await socket.synced();
    await app.app.get(NotificationsService).notify({
      sourceId: `call.missed:${randomUUID()}`,
      kind: 'missed-call',
      userIds: [anna.id, boris.id, anna.id],
      title: 'Missed call from your client',
      body: '+1 555 0100',
      data: { callId: 'c1' },
    });
    const created = await socket.waitFor((e) => e.name === 'notification.created');
    expect(created.payload).toMatchObject({
      seq: expect.any(Number),
      kind: 'missed-call',
      title: 'Missed call from your client',
      data: { callId: 'c1' },
      readAt: null,
      silent: false,
    });
    await socket.waitFor((e) => e.name === 'notifications.unread' && e.payload.count === 1);
    const inbox = await app.http.get('/api/notifications').set(auth(anna)).expect(200);
    expect(inbox.body.items).toHaveLength(1);
    expect(inbox.body.items[0].id).toBe(created.payload.id);
    const count = await app.http
      .get('/api/notifications/unread-count')
      .set(auth(boris))
      .expect(200);
    expect(count.body).toEqual({ count: 1 });
  });

  it('creates no duplicate when the fan-out job runs again (a worker killed mid-job and retried)', async () => {
    const users = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const socket = record(app.url, { token: users[0].token });
    await socket.synced();
    const data = payload(users.map((u) => u.id));
    await fanOut(data);
    await Promise.all([fanOut(data), fanOut(data)]);
    const rows = await sql<{ user_id: string; n: number }[]>(
      `select user_id, count(*)::int as n from notifications where idempotency_key like ? group by user_id`,
      [`${data.sourceId}:%`],
    );
    expect(rows.map((r) => r.n)).toEqual([1, 1]);
    const events = await sql<{ n: number }[]>(
      `select count(*)::int as n from user_events where user_id = ? and name = 'notification.created'`,
      [users[0].id],
    );
    expect(events[0].n).toBe(1);
    // The re-runs re-announce the stored event: same seq, which the client drops as seen.
    await eventually(
      () => Promise.resolve(socket.persisted().length),
      (n) => n >= 2,
    );
    expect(new Set(socket.persisted().map((e) => e.seq)).size).toBe(1);
  });

  it('replays exactly the missed events after `since`, in order, once, then goes live', async () => {
    const user = await createUser(app, ['agent']);
    const first = record(app.url, { token: user.token, since: 0 });
    await first.synced();
    await fanOut(payload([user.id], { title: 'seen live' }));
    const live = await first.waitFor((e) => e.name === 'notification.created');
    const since = live.payload.seq as number;
    first.close();

    const missed = [payload([user.id], { title: 'm1' }), payload([user.id], { title: 'm2' })];
    for (const data of missed) await fanOut(data);
    const list = await app.http.get('/api/notifications?unread=true').set(auth(user)).expect(200);
    const m1 = list.body.items.find((n: { title: string }) => n.title === 'm1');
    await app.http.post(`/api/notifications/${m1.id}/read`).set(auth(user)).expect(200);
    await fanOut(payload([user.id], { title: 'm3' }));

    const again = record(app.url, { token: user.token, since });
    const done = await again.synced();
    const replayed = again.persisted();
    expect(replayed.map((e) => [e.name, e.payload.title ?? null])).toEqual([
      ['notification.created', 'm1'],
      ['notification.created', 'm2'],
      ['notification.read', null],
      ['notification.created', 'm3'],
    ]);
    expect(replayed.map((e) => e.seq)).toEqual([since + 1, since + 2, since + 3, since + 4]);
    expect(done).toMatchObject({ lastSeq: since + 4, replayed: 4, truncated: false });

    await fanOut(payload([user.id], { title: 'after' }));
    const after = await again.waitFor((e) => e.payload?.title === 'after');
    expect(after.payload.seq).toBe(since + 5);
    expect(again.persisted().filter((e) => e.payload.title === 'after')).toHaveLength(1);
  });

  it('replays the same after the API process restarts', async () => {
    const user = await createUser(app, ['agent']);
    const before = await startApp();
    const socket = record(before.url, { token: user.token });
    const { lastSeq } = await socket.synced();
    socket.close();
    // Let the server finish its disconnect handlers before it shuts down.
    await new Promise((r) => setTimeout(r, 300));
    await before.close();

    await fanOut(payload([user.id], { title: 'while down 1' }));
    await fanOut(payload([user.id], { title: 'while down 2' }));

    const after = await startApp();
    try {
      const back = record(after.url, { token: user.token, since: lastSeq });
      await back.synced();
      expect(back.persisted().map((e) => [e.seq, e.payload.title])).toEqual([
        [lastSeq + 1, 'while down 1'],
        [lastSeq + 2, 'while down 2'],
      ]);
    } finally {
      recorders.splice(0).forEach((r) => r.close());
      await after.close();
    }
  });

  it('mutes a kind a person switched off, never an offer, and keeps do-not-disturb silent', async () => {
    const user = await createUser(app, ['agent']);
    await app.http
      .put('/api/me/notification-settings')
      .set(auth(user))
      .send({ kinds: { offer: { inApp: false } } })
      .expect(400)
      .expect((res) =>
        expect(res.body.error).toMatchObject({
          code: 'INVALID_ARGUMENT',
          field: 'kinds.offer.inApp',
        }),
      );
    const settings = await app.http
      .put('/api/me/notification-settings')
      .set(auth(user))
      .send({ kinds: { mention: { inApp: false } } })
      .expect(200);
    expect(settings.body.kinds).toMatchObject({
      mention: { inApp: false },
      offer: { inApp: true },
      assignment: { inApp: true },
    });
    await app.http
      .put('/api/me/notification-settings')
      .set(auth(user))
      .send({ kinds: { nonsense: { inApp: false } } })
      .expect(400);

    await fanOut(payload([user.id], { kind: 'mention', title: 'muted mention' }));
    await fanOut(payload([user.id], { kind: 'offer', title: 'an offer' }));
    await fanOut(payload([user.id], { kind: 'assignment', title: 'an assignment' }));
    const inbox = await app.http.get('/api/notifications').set(auth(user)).expect(200);
    expect(inbox.body.items.map((n: { title: string }) => n.title).sort()).toEqual([
      'an assignment',
      'an offer',
    ]);

    const until = new Date(Date.now() + 3600_000).toISOString();
    const dnd = await app.http
      .put('/api/me/notification-settings')
      .set(auth(user))
      .send({ doNotDisturbUntil: until })
      .expect(200);
    expect(dnd.body).toMatchObject({
      doNotDisturbUntil: until,
      kinds: { mention: { inApp: false } },
    });
    const socket = record(app.url, { token: user.token });
    await socket.synced();
    await fanOut(payload([user.id], { kind: 'assignment', title: 'quiet' }));
    await fanOut(payload([user.id], { kind: 'offer', title: 'loud offer' }));
    const quiet = await socket.waitFor((e) => e.payload?.title === 'quiet');
    const loud = await socket.waitFor((e) => e.payload?.title === 'loud offer');
    expect(quiet.payload.silent).toBe(true);
    expect(loud.payload.silent).toBe(false);
    const cleared = await app.http
      .put('/api/me/notification-settings')
      .set(auth(user))
      .send({ doNotDisturbUntil: null })
      .expect(200);
    expect(cleared.body.doNotDisturbUntil).toBeNull();
  });

  it('pages the inbox by cursor, marks read, reads all, archives, and keeps others out', async () => {
    const user = await createUser(app, ['agent']);
    const stranger = await createUser(app, ['agent']);
    for (let i = 0; i < 5; i++) await fanOut(payload([user.id], { title: `n${i}` }));
    const firstPage = await app.http.get('/api/notifications?limit=2').set(auth(user)).expect(200);
    expect(firstPage.body.items.map((n: { title: string }) => n.title)).toEqual(['n4', 'n3']);
    const second = await app.http
      .get(`/api/notifications?limit=2&cursor=${firstPage.body.nextCursor}`)
      .set(auth(user))
      .expect(200);
    expect(second.body.items.map((n: { title: string }) => n.title)).toEqual(['n2', 'n1']);
    const last = await app.http
      .get(`/api/notifications?limit=2&cursor=${second.body.nextCursor}`)
      .set(auth(user))
      .expect(200);
    expect(last.body).toMatchObject({ items: [{ title: 'n0' }], nextCursor: null });
    await app.http.get('/api/notifications?cursor=garbage').set(auth(user)).expect(400);

    const n0 = last.body.items[0].id as string;
    await app.http.post(`/api/notifications/${n0}/read`).set(auth(stranger)).expect(404);
    const read = await app.http.post(`/api/notifications/${n0}/read`).set(auth(user)).expect(200);
    expect(read.body.readAt).not.toBeNull();
    const unread = await app.http.get('/api/notifications?unread=true').set(auth(user)).expect(200);
    expect(unread.body.items).toHaveLength(4);

    const all = await app.http.post('/api/notifications/read-all').set(auth(user)).expect(200);
    expect(all.body).toEqual({ count: 4 });
    const count = await app.http.get('/api/notifications/unread-count').set(auth(user)).expect(200);
    expect(count.body).toEqual({ count: 0 });

    const archived = await app.http
      .post(`/api/notifications/${n0}/archive`)
      .set(auth(user))
      .expect(200);
    expect(archived.body.archivedAt).not.toBeNull();
    const inbox = await app.http.get('/api/notifications').set(auth(user)).expect(200);
    expect(inbox.body.items).toHaveLength(4);
    const archive = await app.http
      .get('/api/notifications?archived=true')
      .set(auth(user))
      .expect(200);
    expect(archive.body.items.map((n: { id: string }) => n.id)).toEqual([n0]);
  });

  it('re-notifies a broadcast until it is acknowledged and shows who acknowledged', async () => {
    const agents = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const receptionist = await createUser(app, ['receptionist']);
    const socket = record(app.url, { token: agents[0].token });
    await socket.synced();
    const created = await app.http
      .post('/api/broadcasts')
      .set(auth(supervisor))
      .send({ text: 'Fire drill at 3 pm', critical: true, requireAck: true, roles: ['agent'] })
      .expect(201);
    const id = created.body.id as string;
    const recipients = created.body.recipients.map((r: { userId: string }) => r.userId);
    expect(recipients).toEqual(expect.arrayContaining(agents.map((a) => a.id)));
    expect(recipients).not.toContain(receptionist.id);
    expect(recipients).not.toContain(supervisor.id);

    const first = await socket.waitFor(
      (e) => e.name === 'notification.created' && e.payload.kind === 'broadcast',
    );
    expect(first.payload).toMatchObject({
      critical: true,
      body: 'Fire drill at 3 pm',
      data: { broadcastId: id, requireAck: true },
      remindCount: 0,
      remindedAt: null,
    });
    // Every round re-surfaces the same notification (same id), as its own seq event.
    const reminder = await socket.waitFor(
      (e) => e.name === 'notification.reminded' && e.payload.remindCount === 1,
    );
    expect(reminder.payload).toMatchObject({ id: first.payload.id, readAt: null, critical: true });
    expect(reminder.payload.seq).toBeGreaterThan(first.payload.seq as number);
    const again = await socket.waitFor(
      (e) => e.name === 'notification.reminded' && e.payload.remindCount === 2,
    );
    expect(again.payload.id).toBe(first.payload.id);
    const rows = await sql<{ user_id: string; n: number }[]>(
      `select user_id, count(*)::int as n from notifications
        where data->>'broadcastId' = ? and user_id = any(?::uuid[]) group by user_id`,
      [id, `{${agents.map((a) => a.id).join(',')}}`],
    );
    expect(rows.map((r) => r.n)).toEqual([1, 1]);

    const ack = await socket.ack<Ack<{ broadcastId: string; ackedAt: string }>>('broadcast.ack', {
      broadcastId: id,
    });
    expect(ack).toMatchObject({ ok: true, data: { broadcastId: id } });
    await app.http.post(`/api/broadcasts/${id}/ack`).set(auth(agents[1])).expect(200);
    await app.http.post(`/api/broadcasts/${id}/ack`).set(auth(receptionist)).expect(403);
    const view = await app.http.get(`/api/broadcasts/${id}`).set(auth(supervisor)).expect(200);
    const mine = view.body.recipients.filter((r: { userId: string; ackedAt: string | null }) =>
      agents.some((a) => a.id === r.userId),
    );
    expect(mine.every((r: { ackedAt: string | null }) => r.ackedAt !== null)).toBe(true);
    const unread = await app.http
      .get('/api/notifications/unread-count')
      .set(auth(agents[0]))
      .expect(200);
    expect(unread.body.count).toBe(0);

    // Acknowledged: no further reminder for this person.
    const isReminder = (e: { name: string; payload: Record<string, unknown> }) =>
      e.name === 'notification.reminded' && e.payload.id === first.payload.id;
    const seen = socket.events.filter(isReminder).length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(socket.events.filter(isReminder).length).toBeLessThanOrEqual(seen);
    await app.http.post('/api/broadcasts').set(auth(agents[0])).send({ text: 'no' }).expect(403);
  });

  it("sends a broadcast to a queue's members only, and refuses an unknown queue", async () => {
    const admin = await adminToken(app);
    const [inQueue, alsoIn, outside] = [
      await createUser(app, ['agent']),
      await createUser(app, ['agent', 'receptionist']),
      await createUser(app, ['agent']),
    ];
    const code = `bq-${randomUUID().slice(0, 8)}`;
    const queue = await app.http
      .post('/api/queues')
      .set('authorization', `Bearer ${admin}`)
      .send({ code, name: `Queue ${code}`, strategy: 'longest-idle' })
      .expect(201);
    const queueId = queue.body.id as string;
    for (const member of [inQueue, alsoIn, supervisor]) {
      await app.http
        .put(`/api/queues/${queueId}/members/${member.id}`)
        .set('authorization', `Bearer ${admin}`)
        .send({ skillLevel: 5 })
        .expect(200);
    }
    const inside = record(app.url, { token: inQueue.token });
    const other = record(app.url, { token: outside.token });
    await Promise.all([inside.synced(), other.synced()]);

    const created = await app.http
      .post('/api/broadcasts')
      .set(auth(supervisor))
      .send({ text: 'Queue meeting at noon', requireAck: true, queueId })
      .expect(201);
    const id = created.body.id as string;
    // The sender, though a member, is not a recipient of their own broadcast.
    expect(created.body).toMatchObject({ queueId, queueName: `Queue ${code}`, pending: 2 });
    expect(created.body.recipients.map((r: { userId: string }) => r.userId).sort()).toEqual(
      [inQueue.id, alsoIn.id].sort(),
    );
    const seen = await inside.waitFor(
      (e) => e.name === 'notification.created' && e.payload.kind === 'broadcast',
    );
    expect(seen.payload).toMatchObject({
      body: 'Queue meeting at noon',
      data: { broadcastId: id },
    });
    await app.http.post(`/api/broadcasts/${id}/ack`).set(auth(outside)).expect(403);
    const delivered = await sql<{ user_id: string }[]>(
      `select user_id from notifications where data->>'broadcastId' = ?`,
      [id],
    );
    expect(delivered.map((r) => r.user_id).sort()).toEqual([inQueue.id, alsoIn.id].sort());
    expect(
      other.events.some((e) => e.name === 'notification.created' && e.payload.kind === 'broadcast'),
    ).toBe(false);

    // Roles narrow a queue audience: only members having one of them.
    const narrowed = await app.http
      .post('/api/broadcasts')
      .set(auth(supervisor))
      .send({ text: 'Front desk only', queueId, roles: ['receptionist'] })
      .expect(201);
    expect(narrowed.body.recipients.map((r: { userId: string }) => r.userId)).toEqual([alsoIn.id]);

    const missing = await app.http
      .post('/api/broadcasts')
      .set(auth(supervisor))
      .send({ text: 'Nobody', queueId: randomUUID() })
      .expect(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const bad = await app.http
      .post('/api/broadcasts')
      .set(auth(supervisor))
      .send({ text: 'Bad', queueId: 'not-a-uuid' })
      .expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });
});

/**
 * Reminder rounds run by hand (the interval is left at a minute, so the queue runs none of its
 * own meanwhile): one row per recipient across rounds, the recipient re-notified each round,
 * and a retried round changing nothing.
 */
describe('broadcast reminders re-surface one notification (e2e)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  const recorders: EventRecorder[] = [];
  const sql = async <T>(query: string, params: unknown[]): Promise<T> =>
    (await worker.get(MikroORM).em.fork().getConnection().execute(query, params)) as T;
  const remind = (broadcastId: string, round: number) =>
    worker.get(BroadcastRenotifyJob).handle({ data: { broadcastId, round } } as Job<Renotify>);

  beforeAll(async () => {
    app = await startApp();
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
  });
  afterAll(async () => {
    recorders.forEach((r) => r.close());
    await worker.close();
    await app.close();
  });

  it('bumps the same row each round, re-notifies the recipient, and a retried round is a no-op', async () => {
    const supervisor = await createUser(app, ['supervisor']);
    const anna = await createUser(app, ['agent']);
    const auth = { authorization: `Bearer ${anna.token}` };
    const socket = new EventRecorder(app.url, { token: anna.token });
    recorders.push(socket);
    await socket.synced();
    const created = await app.http
      .post('/api/broadcasts')
      .set('authorization', `Bearer ${supervisor.token}`)
      .send({ text: 'Sign the new rota', requireAck: true, roles: ['agent'] })
      .expect(201);
    const id = created.body.id as string;
    const first = await socket.waitFor(
      (e) => e.name === 'notification.created' && e.payload.kind === 'broadcast',
    );
    const notificationId = first.payload.id as string;
    // Read but not acknowledged: a reminder brings it back unread.
    await app.http.post(`/api/notifications/${notificationId}/read`).set(auth).expect(200);

    const lastSeq = async () =>
      (
        await sql<{ last_seq: string }[]>('select last_seq from user_seq where user_id = ?', [
          anna.id,
        ])
      ).map((r) => Number(r.last_seq))[0];
    const reminded = (round: number) => (e: { name: string; payload: Record<string, unknown> }) =>
      e.name === 'notification.reminded' && e.payload.remindCount === round;

    await remind(id, 1);
    const one = await socket.waitFor(reminded(1));
    expect(one.payload).toMatchObject({ id: notificationId, readAt: null, archivedAt: null });
    expect(one.payload.remindedAt).toBe(one.payload.createdAt);
    expect(Date.parse(one.payload.createdAt as string)).toBeGreaterThan(
      Date.parse(first.payload.createdAt as string),
    );
    const seqAfterOne = await lastSeq();

    // The same round again (a retried job): no new row, no new seq, the stored event re-pushed.
    await remind(id, 1);
    await eventually(
      () => Promise.resolve(socket.events.filter(reminded(1)).length),
      (n) => n === 2,
    );
    const pushes = socket.events.filter(reminded(1));
    expect(pushes[1].payload.seq).toBe(pushes[0].payload.seq);
    expect(await lastSeq()).toBe(seqAfterOne);

    await remind(id, 2);
    const two = await socket.waitFor(reminded(2));
    expect(two.payload.id).toBe(notificationId);
    expect(two.payload.seq).toBeGreaterThan(one.payload.seq as number);

    const rows = await sql<{ user_id: string; n: number; remind_count: number }[]>(
      `select user_id, count(*)::int as n, max(remind_count) as remind_count from notifications
        where data->>'broadcastId' = ? group by user_id`,
      [id],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.n === 1 && r.remind_count === 2)).toBe(true);
    const inbox = await app.http.get('/api/notifications').set(auth).expect(200);
    expect(inbox.body.items[0]).toMatchObject({ id: notificationId, remindCount: 2, readAt: null });
    expect(inbox.body.items.filter((n: { kind: string }) => n.kind === 'broadcast')).toHaveLength(
      1,
    );
    const unread = await app.http.get('/api/notifications/unread-count').set(auth).expect(200);
    expect(unread.body.count).toBe(1);

    // Acknowledged: the next round leaves this person's notification alone.
    await app.http.post(`/api/broadcasts/${id}/ack`).set(auth).expect(200);
    await remind(id, 3);
    const after = await sql<{ remind_count: number; read_at: string | null }[]>(
      `select remind_count, read_at from notifications where id = ?`,
      [notificationId],
    );
    expect(after[0].remind_count).toBe(2);
    expect(after[0].read_at).not.toBeNull();
  });
});
