import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { RequestDto, StageTemplateDto } from '@/modules/requests/dto/request.dto';
import type { RequestSummary } from '@/modules/requests/requests.events';
import type { ClientDto } from '@/modules/directory/dto/client.dto';
import type { QueueDto } from '@/modules/directory/dto/queue.dto';
import { WorkerModule } from '@workers/worker.module';
import { createClient, createLine, createQueue } from '@test/factories/directory.factory';
import { EventRecorder, eventually } from '@test/support/event-recorder';
import { startApp, TestApp } from '@test/support/test-app';
import { adminToken, createUser, TestUser } from '@test/support/users';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const HOUR = 3_600_000;

describe('requests (e2e)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let admin: string;
  let receptionist: TestUser;
  let agent: TestUser;
  let otherAgent: TestUser;
  let queue: QueueDto;
  let client: ClientDto;
  const recorders: EventRecorder[] = [];

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const record = (user: TestUser) => {
    const r = new EventRecorder(app.url, { token: user.token });
    recorders.push(r);
    return r;
  };
  const create = async (token: string, body: Record<string, unknown>): Promise<RequestDto> =>
    (await app.http.post('/api/requests').set(auth(token)).send(body).expect(201))
      .body as RequestDto;
  const advance = (token: string, id: string, body: Record<string, unknown> = {}) =>
    app.http.post(`/api/requests/${id}/advance`).set(auth(token)).send(body);

  beforeAll(async () => {
    app = await startApp();
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
    admin = await adminToken(app);
    [receptionist, agent, otherAgent] = await Promise.all([
      createUser(app, ['receptionist']),
      createUser(app, ['agent']),
      createUser(app, ['agent']),
    ]);
    queue = await createQueue(app, admin);
    client = await createClient(app, admin);
  });
  afterEach(() => recorders.splice(0).forEach((r) => r.close()));
  afterAll(async () => {
    await new Promise((r) => setTimeout(r, 300));
    await worker.close();
    await app.close();
  });

  it('creates a request at the first of the default stages and announces it', async () => {
    const desk = record(receptionist);
    await desk.synced();
    const before = Date.now();
    const created = await create(receptionist.token, {
      channel: 'email',
      clientId: client.id,
      subject: 'Invoice 42 is wrong',
      body: 'Amount differs from the contract',
      priority: 3,
      assigneeId: agent.id,
    });
    expect(created).toMatchObject({
      status: 'open',
      channel: 'email',
      clientId: client.id,
      priority: 3,
      currentStage: 'registered',
      assigneeId: agent.id,
      overdue: false,
    });
    expect(typeof created.number).toBe('number');
    expect(created.stages!.map((s) => s.stage)).toEqual([
      'registered',
      'assigned',
      'in_work',
      'done',
    ]);
    expect(created.stages![0].startedAt).not.toBeNull();
    expect(created.stages![1].startedAt).toBeNull();
    const due = Date.parse(created.dueAt!);
    expect(due - before).toBeGreaterThanOrEqual(HOUR - 1000);
    expect(due - before).toBeLessThan(HOUR + 10_000);

    const event = await desk.waitFor(
      (e) => e.name === 'request.changed' && e.payload.requestId === created.id,
    );
    expect(event.payload as unknown as RequestSummary).toMatchObject({
      change: 'created',
      currentStage: 'registered',
      assigneeId: agent.id,
    });

    const read = await app.http.get(`/api/requests/${created.id}`).set(auth(admin)).expect(200);
    expect((read.body as RequestDto).stages).toHaveLength(4);
  });

  it('advances through every stage to done, recording each step', async () => {
    const created = await create(receptionist.token, { channel: 'phone', subject: 'Call me back' });
    const first = await advance(receptionist.token, created.id, {
      assigneeId: agent.id,
      note: 'triaged',
    }).expect(200);
    expect(first.body).toMatchObject({ currentStage: 'assigned', assigneeId: agent.id });
    // The agent now owns it and may move it on.
    const second = await advance(agent.token, created.id).expect(200);
    expect(second.body).toMatchObject({ currentStage: 'in_work', assigneeId: agent.id });
    const done = await advance(agent.token, created.id, { note: 'fixed' }).expect(200);
    const body = done.body as RequestDto;
    expect(body).toMatchObject({ status: 'done', currentStage: 'done', dueAt: null });
    expect(body.stages!.every((s) => s.doneAt !== null && s.startedAt !== null)).toBe(true);
    expect(body.stages![0].note).toBe('triaged');
    expect(body.stages![2].note).toBe('fixed');

    const again = await advance(receptionist.token, created.id).expect(409);
    expect(again.body.error.code).toBe('CONFLICT');
  });

  it("uses the queue's stage template", async () => {
    const put = await app.http
      .put(`/api/queues/${queue.id}/request-stages`)
      .set(auth(admin))
      .send({ stages: [{ stage: 'triage', durationMinutes: 30 }, { stage: 'closed' }] })
      .expect(200);
    expect((put.body as StageTemplateDto).stages).toEqual([
      { stage: 'triage', durationMinutes: 30 },
      { stage: 'closed' },
    ]);
    await app.http
      .put(`/api/queues/${queue.id}/request-stages`)
      .set(auth(admin))
      .send({ stages: [{ stage: 'triage' }, { stage: 'closed' }] })
      .expect(400);

    const created = await create(receptionist.token, {
      channel: 'web',
      subject: 'Web form',
      queue: queue.code,
    });
    expect(created.stages!.map((s) => s.stage)).toEqual(['triage', 'closed']);
    const list = await app.http
      .get('/api/requests')
      .query({ queue: queue.code, status: 'open' })
      .set(auth(receptionist.token))
      .expect(200);
    expect(list.body.items.map((r: RequestDto) => r.id)).toContain(created.id);
    const done = await advance(receptionist.token, created.id).expect(200);
    expect(done.body.status).toBe('done');
  });

  it('reassigns the current stage; agents see and advance only what is theirs', async () => {
    const created = await create(receptionist.token, {
      channel: 'walk_in',
      subject: 'Visitor at the desk',
      assigneeId: agent.id,
    });
    const watcher = record(otherAgent);
    await watcher.synced();
    const patched = await app.http
      .patch(`/api/requests/${created.id}/stage`)
      .set(auth(receptionist.token))
      .send({ assigneeId: otherAgent.id })
      .expect(200);
    expect(patched.body.assigneeId).toBe(otherAgent.id);
    await watcher.waitFor(
      (e) =>
        e.name === 'request.changed' &&
        e.payload.requestId === created.id &&
        e.payload.change === 'reassigned',
    );
    // The new assignee is also notified (kind assignment), through the worker's fan-out.
    const assigned = await watcher.waitFor(
      (e) =>
        e.name === 'notification.created' &&
        e.payload.kind === 'assignment' &&
        (e.payload.data as { requestId?: string }).requestId === created.id,
    );
    expect(assigned.payload.title).toMatch(/^Request #\d+ is yours$/);

    const mine = await app.http.get('/api/requests').set(auth(otherAgent.token)).expect(200);
    expect(mine.body.items.map((r: RequestDto) => r.id)).toEqual([created.id]);
    await app.http.get(`/api/requests/${created.id}`).set(auth(otherAgent.token)).expect(200);
    // Reassigning replaces the stage's assignee, so the first agent loses access to it.
    await app.http.get(`/api/requests/${created.id}`).set(auth(agent.token)).expect(403);
    await advance(agent.token, created.id).expect(403);
    const stranger = await createUser(app, ['agent']);
    await app.http.get(`/api/requests/${created.id}`).set(auth(stranger.token)).expect(403);
    const theirs = await app.http.get('/api/requests').set(auth(stranger.token)).expect(200);
    expect(theirs.body.total).toBe(0);
    await app.http
      .patch(`/api/requests/${created.id}/stage`)
      .set(auth(otherAgent.token))
      .send({ assigneeId: otherAgent.id })
      .expect(403);
    await advance(otherAgent.token, created.id).expect(200);
  });

  it('raises an overdue stage through the worker: socket delta, alert and the overdue filter', async () => {
    const owner = await createUser(app, ['agent']);
    const created = await create(receptionist.token, {
      channel: 'chat',
      subject: 'Urgent chat',
      assigneeId: owner.id,
    });
    const socket = record(owner);
    await socket.synced();
    await app.http
      .patch(`/api/requests/${created.id}/stage`)
      .set(auth(receptionist.token))
      .send({ dueAt: new Date(Date.now() + 1000).toISOString() })
      .expect(200);

    const event = await socket.waitFor(
      (e) =>
        e.name === 'request.changed' &&
        e.payload.requestId === created.id &&
        e.payload.change === 'overdue',
      15_000,
    );
    expect(event.payload).toMatchObject({ overdue: true, assigneeId: owner.id });

    const overdue = await app.http
      .get('/api/requests')
      .query({ overdue: 'true', assigneeId: owner.id })
      .set(auth(receptionist.token))
      .expect(200);
    expect(overdue.body.items).toHaveLength(1);
    expect(overdue.body.items[0]).toMatchObject({ id: created.id, overdue: true });

    const inbox = await eventually(
      async () =>
        (await app.http.get('/api/notifications').set(auth(owner.token)).expect(200)).body
          .items as { kind: string; data: Record<string, unknown> }[],
      (items) => items.some((n) => n.kind === 'stage-overdue'),
    );
    expect(inbox.find((n) => n.kind === 'stage-overdue')!.data.requestId).toBe(created.id);
  }, 30_000);

  it("puts the client's open requests in a call's dossier", async () => {
    const own = await createClient(app, admin);
    const line = await createLine(app, admin);
    const open = await create(receptionist.token, {
      channel: 'phone',
      clientId: own.id,
      subject: 'Open one',
    });
    const closed = await create(receptionist.token, {
      channel: 'phone',
      clientId: own.id,
      subject: 'Closed one',
    });
    await app.http
      .patch(`/api/requests/${closed.id}/stage`)
      .set(auth(receptionist.token))
      .send({})
      .expect(200);
    for (let i = 0; i < 3; i++) await advance(receptionist.token, closed.id).expect(200);
    const call = await app.http
      .post('/api/calls')
      .set(auth(receptionist.token))
      .send({ from: '+12015550199', line: line.code, clientId: own.id })
      .expect(201);
    expect(call.body.dossier.openRequests).toEqual([
      {
        id: open.id,
        number: open.number,
        subject: 'Open one',
        currentStage: 'registered',
        dueAt: open.dueAt,
      },
    ]);
  });

  it('holds a person to MAX_OPEN_REQUESTS open requests (default 5)', async () => {
    const busy = await createUser(app, ['agent']);
    const spare = await createUser(app, ['agent']);
    const mine: RequestDto[] = [];
    for (let i = 0; i < 5; i++) {
      mine.push(
        await create(receptionist.token, {
          channel: 'web',
          subject: `Form ${i}`,
          assigneeId: busy.id,
        }),
      );
    }
    const countOf = async (user: TestUser) =>
      (await app.http.get('/api/requests').set(auth(user.token)).expect(200)).body.total as number;

    const refused = await app.http
      .post('/api/requests')
      .set(auth(receptionist.token))
      .send({ channel: 'web', subject: 'One too many', assigneeId: busy.id })
      .expect(409);
    expect(refused.body.error).toMatchObject({ code: 'STAFF_AT_CAPACITY', field: 'assigneeId' });
    const other = await create(receptionist.token, {
      channel: 'web',
      subject: 'Elsewhere',
      assigneeId: spare.id,
    });
    await app.http
      .patch(`/api/requests/${other.id}/stage`)
      .set(auth(receptionist.token))
      .send({ assigneeId: busy.id })
      .expect(409);
    // Nothing half-done: no sixth request, the other one still with its assignee.
    expect(await countOf(busy)).toBe(5);
    expect(await countOf(spare)).toBe(1);
    // Re-assigning a request to the person who already has it is not a new one.
    await app.http
      .patch(`/api/requests/${mine[0].id}/stage`)
      .set(auth(receptionist.token))
      .send({ assigneeId: busy.id })
      .expect(200);

    // Closing one frees a place.
    for (let step = 0; step < 3; step++) await advance(busy.token, mine[0].id).expect(200);
    await app.http
      .patch(`/api/requests/${other.id}/stage`)
      .set(auth(receptionist.token))
      .send({ assigneeId: busy.id })
      .expect(200);
  });

  it('refuses bad input with stable codes', async () => {
    const bad = await app.http
      .post('/api/requests')
      .set(auth(receptionist.token))
      .send({ channel: 'fax', subject: 'x' })
      .expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const unknownQueue = await app.http
      .post('/api/requests')
      .set(auth(receptionist.token))
      .send({ channel: 'web', subject: 'x', queue: 'no-such-queue-here' })
      .expect(400);
    expect(unknownQueue.body.error.field).toBe('queue');
    const missing = await app.http
      .get(`/api/requests/${MISSING_ID}`)
      .set(auth(receptionist.token))
      .expect(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    await advance(receptionist.token, MISSING_ID).expect(404);
    await app.http
      .patch(`/api/requests/${MISSING_ID}/stage`)
      .set(auth(receptionist.token))
      .send({ assigneeId: agent.id })
      .expect(404);
    await app.http
      .put(`/api/queues/${MISSING_ID}/request-stages`)
      .set(auth(admin))
      .send({ stages: [{ stage: 'a', durationMinutes: 5 }, { stage: 'b' }] })
      .expect(404);
  });
});
