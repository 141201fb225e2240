import { MikroORM } from '@mikro-orm/core';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NotificationsService } from '@/modules/notifications/notifications.service';
import { OutboxRelay } from '@/outbox/outbox.relay';
import { OUTBOX_MAX_ATTEMPTS } from '@/outbox/outbox-retry';
import { JobProducer } from '@/queue/job-producer.service';
import { WorkerModule } from '@workers/worker.module';
import { EventRecorder } from '@test/support/event-recorder';
import { startApp, TestApp } from '@test/support/test-app';
import { adminToken, createUser, TestUser } from '@test/support/users';

interface Notification {
  kind: string;
  data: Record<string, unknown>;
}

/**
 * After-commit reactions survive a process killed between the commit and the reaction: the
 * state change and its outbox row commit together, the in-memory dispatch never runs (as if the
 * API died), and the worker's relay delivers the row — once, however often it runs.
 */
describe('transactional outbox (e2e)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let admin: string;
  let supervisor: TestUser;
  const recorders: EventRecorder[] = [];

  beforeAll(async () => {
    app = await startApp();
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
    admin = await adminToken(app);
    supervisor = await createUser(app, ['supervisor']);
  });
  afterEach(() => recorders.splice(0).forEach((r) => r.close()));
  afterAll(async () => {
    await new Promise((r) => setTimeout(r, 300));
    await worker.close();
    await app.close();
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
    worker.get(MikroORM).em.fork().getConnection().execute<T[]>(query, params);
  const inbox = async (user: TestUser): Promise<Notification[]> =>
    (await app.http.get('/api/notifications').set(auth(user.token)).expect(200)).body
      .items as Notification[];

  /** Runs `work` in an API whose process "dies" right after each commit: nothing is dispatched. */
  async function withLostDispatch<T>(work: () => Promise<T>): Promise<T> {
    const dispatch = jest
      .spyOn(app.app.get(OutboxRelay), 'dispatch')
      .mockImplementation(() => Promise.resolve());
    try {
      return await work();
    } finally {
      dispatch.mockRestore();
    }
  }

  /** The rows of one record, made due at once (the sweep otherwise waits out the grace). */
  async function pending(key: string, id: string): Promise<{ id: string; topic: string }[]> {
    await sql(`update outbox set next_attempt_at = now() where payload->>? = ?`, [key, id]);
    return sql<{ id: string; topic: string }>(
      `select id, topic from outbox where payload->>? = ?`,
      [key, id],
    );
  }

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 10_000;
    let value = await read();
    while (!done(value) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      value = await read();
    }
    return value;
  }

  it('delivers a request assignment lost with a killed process: delta, notification and overdue job, once', async () => {
    const agent = await createUser(app, ['agent']);
    const socket = new EventRecorder(app.url, { token: agent.token });
    recorders.push(socket);
    await socket.synced();

    const created = await withLostDispatch(async () => {
      const res = await app.http
        .post('/api/requests')
        .set(auth(admin))
        .send({ channel: 'email', subject: 'Outbox check', assigneeId: agent.id })
        .expect(201);
      return res.body as { id: string };
    });
    const [stage] = await sql<{ id: string; due_ms: string }>(
      `select id, (extract(epoch from due_at) * 1000)::bigint as due_ms
         from request_stages where request_id = ? and position = 0`,
      [created.id],
    );
    const overdueJob = `stage-overdue-${stage.id}-${stage.due_ms}`;
    const requests = worker.get(JobProducer).queue('requests');
    const assignments = async () =>
      (await inbox(agent)).filter(
        (n) => n.kind === 'assignment' && n.data.requestId === created.id,
      );

    expect(await pending('requestId', created.id)).toEqual([
      expect.objectContaining({ topic: 'request.changed' }),
    ]);
    expect(await assignments()).toHaveLength(0);
    expect(await requests.getJob(overdueJob)).toBeUndefined();

    const relay = worker.get(OutboxRelay);
    await relay.sweep();
    await relay.sweep();
    expect(await pending('requestId', created.id)).toEqual([]);

    const delta = await socket.waitFor(
      (e) => e.name === 'request.changed' && e.payload.requestId === created.id,
    );
    expect(delta.payload).toMatchObject({ change: 'created', assigneeId: agent.id });
    await socket.waitFor(
      (e) => e.name === 'notification.created' && e.payload.kind === 'assignment',
    );
    expect(await requests.getJob(overdueJob)).toBeDefined();
    // Give a wrongly queued second notification time to arrive before counting.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await assignments()).toHaveLength(1);
  });

  it('sends a broadcast whose first round was lost with a killed process, once per recipient', async () => {
    const agent = await createUser(app, ['agent']);
    const broadcast = await withLostDispatch(async () => {
      const res = await app.http
        .post('/api/broadcasts')
        .set(auth(supervisor.token))
        .send({ text: 'Outbox drill', roles: ['agent'] })
        .expect(201);
      return res.body as { id: string };
    });
    const received = async () =>
      (await inbox(agent)).filter(
        (n) => n.kind === 'broadcast' && n.data.broadcastId === broadcast.id,
      );
    expect(await pending('broadcastId', broadcast.id)).toHaveLength(1);
    expect(await received()).toHaveLength(0);

    const relay = worker.get(OutboxRelay);
    await relay.sweep();
    await relay.sweep();
    expect(await eventually(received, (found) => found.length > 0)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await received()).toHaveLength(1);
    expect(await pending('broadcastId', broadcast.id)).toEqual([]);
  });

  it('skips a row whose record is gone, and dead-letters one that keeps failing, visibly', async () => {
    const agent = await createUser(app, ['agent']);
    const gone = '00000000-0000-4000-8000-000000000000';
    await sql(
      `insert into outbox (id, topic, payload) values (gen_random_uuid(), 'request.changed', ?::jsonb)`,
      [
        JSON.stringify({
          requestId: gone,
          change: 'created',
          previousAssigneeId: null,
          dueStageId: null,
        }),
      ],
    );
    const created = await withLostDispatch(async () => {
      const res = await app.http
        .post('/api/requests')
        .set(auth(admin))
        .send({ channel: 'phone', subject: 'Never notified', assigneeId: agent.id })
        .expect(201);
      return res.body as { id: string };
    });
    // The last attempt, and the assignee's notification cannot be enqueued.
    const notify = jest
      .spyOn(worker.get(NotificationsService), 'notify')
      .mockRejectedValue(new Error('queue unavailable'));
    try {
      await sql(`update outbox set attempts = ? where payload->>'requestId' = ?`, [
        OUTBOX_MAX_ATTEMPTS - 1,
        created.id,
      ]);
      await pending('requestId', gone);
      await pending('requestId', created.id);
      await worker.get(OutboxRelay).sweep();
      const dead = await eventually(
        () =>
          sql<{ dead_at: string | null; last_error: string | null; attempts: number }>(
            `select dead_at, last_error, attempts from outbox where payload->>'requestId' = ?`,
            [created.id],
          ),
        (rows) => rows[0]?.dead_at != null,
      );
      expect(dead).toEqual([
        expect.objectContaining({ last_error: 'queue unavailable', attempts: OUTBOX_MAX_ATTEMPTS }),
      ]);
      expect(dead[0].dead_at).not.toBeNull();
    } finally {
      notify.mockRestore();
    }
    expect(await sql(`select id from outbox where payload->>'requestId' = ?`, [gone])).toEqual([]);

    const health = await app.http.get('/api/health').expect(200);
    expect(health.body.outbox.dead).toBeGreaterThanOrEqual(1);
  });
});
