import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import ICAL from 'ical.js';
import type { PlannedContactDto } from '@/modules/planner/dto/planned-contact.dto';
import type { PlannerReasonDto } from '@/modules/planner/dto/planner-reason.dto';
import type { PlannerStatsDto } from '@/modules/planner/dto/planner-stats.dto';
import type { PlannerChangedEvent } from '@/modules/planner/planner.events';
import { plannerJobIds } from '@/modules/planner/planner-rules';
import { PlannerSchedule } from '@/modules/planner/planner-schedule';
import { PlannerService } from '@/modules/planner/planner.service';
import { CallActionsService } from '@/modules/routing/call-actions.service';
import { JobProducer } from '@/queue/job-producer.service';
import { WorkerModule } from '@workers/worker.module';
import { createClient } from '@test/factories/directory.factory';
import { EventRecorder } from '@test/support/event-recorder';
import { startApp, TestApp } from '@test/support/test-app';
import { adminToken, createUser, TestUser } from '@test/support/users';
import { eventually } from '@test/support/wait';

interface Inbox {
  items: {
    id: string;
    kind: string;
    createdAt: string;
    data: Record<string, unknown>;
  }[];
}

/** Short timings for the reminder and escalation, the same in the API and the worker. */
const PLANNER_ENV = { PLANNER_REMINDER_LEAD_SECONDS: '2', PLANNER_OVERDUE_GRACE_SECONDS: '1' };
/** Delayed jobs run on a loaded machine; the ceiling is generous, nothing is timed. */
const CEILING_MS = 45_000;
const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const suffix = () => randomBytes(3).toString('hex');
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('planner (e2e)', () => {
  // Delayed jobs on a loaded machine: a generous ceiling, polled, never timed.
  jest.setTimeout(120_000);
  let app: TestApp;
  let worker: INestApplicationContext;
  let admin: string;
  let receptionist: TestUser;
  let supervisor: TestUser;
  let lineCode: string;
  let reasons: PlannerReasonDto[];
  const recorders: EventRecorder[] = [];

  const auth = (user: TestUser | string) => ({
    authorization: `Bearer ${typeof user === 'string' ? user : user.token}`,
  });
  const plan = async (user: TestUser, body: Record<string, unknown>) =>
    (await app.http.post('/api/planned-contacts').set(auth(user)).send(body).expect(201))
      .body as PlannedContactDto;
  const act = (user: TestUser, id: string, move: string, body: Record<string, unknown> = {}) =>
    app.http.post(`/api/planned-contacts/${id}/${move}`).set(auth(user)).send(body);
  const inbox = async (user: TestUser) =>
    (await app.http.get('/api/notifications').set(auth(user)).query({ limit: 200 }).expect(200))
      .body as Inbox;
  const notificationsOf = async (user: TestUser, kind: string, planId: string) =>
    (await inbox(user)).items.filter((n) => n.kind === kind && n.data.plannedContactId === planId);
  const reasonId = (label: string) => reasons.find((r) => r.label === label)!.id;

  async function queueCode(extra: Record<string, unknown> = {}): Promise<string> {
    const code = `qp-${suffix()}`;
    await app.http
      .post('/api/queues')
      .set(auth(admin))
      .send({ code, name: `Queue ${code}`, ...extra })
      .expect(201);
    return code;
  }

  async function registerCall(fields: Record<string, unknown>): Promise<string> {
    const res = await app.http
      .post('/api/calls')
      .set(auth(receptionist))
      .send({ from: '+12025550142', line: lineCode, ...fields })
      .expect(201);
    return res.body.id as string;
  }

  beforeAll(async () => {
    app = await startApp(PLANNER_ENV);
    const saved = Object.keys(PLANNER_ENV).map((k) => [k, process.env[k]] as const);
    Object.assign(process.env, PLANNER_ENV);
    try {
      worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
      await worker.init();
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    admin = await adminToken(app);
    [receptionist, supervisor] = await Promise.all([
      createUser(app, ['receptionist']),
      createUser(app, ['supervisor']),
    ]);
    lineCode = `lp-${suffix()}`;
    await app.http
      .post('/api/lines')
      .set(auth(admin))
      .send({ code: lineCode, name: 'Planner line', channels: 100 })
      .expect(201);
    reasons = (await app.http.get('/api/planner/reasons').set(auth(receptionist)).expect(200))
      .body as PlannerReasonDto[];
  });
  afterEach(() => recorders.splice(0).forEach((r) => r.close()));
  afterAll(async () => {
    await new Promise((r) => setTimeout(r, 300));
    await worker.close();
    await app.close();
  });

  it('seeds the reasons list, which the admin manages', async () => {
    expect(reasons.map((r) => r.label)).toEqual(
      expect.arrayContaining(['client unavailable', 'client declined', 'rescheduled by client']),
    );
    const label = `no budget ${suffix()}`;
    const created = await app.http
      .post('/api/planner/reasons')
      .set(auth(admin))
      .send({ label })
      .expect(201);
    const dup = await app.http
      .post('/api/planner/reasons')
      .set(auth(admin))
      .send({ label: label.toUpperCase() })
      .expect(409);
    expect(dup.body.error.code).toBe('ALREADY_EXISTS');
    await app.http
      .patch(`/api/planner/reasons/${created.body.id}`)
      .set(auth(admin))
      .send({ active: false })
      .expect(200);
    const active = await app.http.get('/api/planner/reasons').set(auth(receptionist)).expect(200);
    expect(active.body.map((r: PlannerReasonDto) => r.id)).not.toContain(created.body.id);
    await app.http.delete(`/api/planner/reasons/${created.body.id}`).set(auth(admin)).expect(204);
  });

  it('plan → the reminder arrives before the start, with the lead → done links the call; the chain shows it', async () => {
    const agent = await createUser(app, ['agent']);
    const client = await createClient(app, admin);
    const socket = new EventRecorder(app.url, { token: agent.token });
    recorders.push(socket);
    await socket.synced();

    const created = await plan(agent, {
      kind: 'call',
      clientId: client.id,
      subject: 'Call back about the contract',
      startsAt: inSeconds(6),
    });
    expect(created).toMatchObject({
      assigneeId: agent.id,
      status: 'planned',
      durationMinutes: 15,
      origin: 'manual',
      overdue: false,
    });
    const delta = await socket.waitFor(
      (e) =>
        e.name === 'planner.changed' &&
        (e.payload as unknown as PlannerChangedEvent).plannedContact.id === created.id,
    );
    expect(delta.payload).toMatchObject({ change: 'created' });

    const [reminder] = await eventually(
      () => notificationsOf(agent, 'planner-reminder', created.id),
      (found) => found.length > 0,
      CEILING_MS,
    );
    // Sent by the delayed job at start − lead, not when the plan was made.
    expect(new Date(reminder.createdAt).getTime()).toBeGreaterThanOrEqual(
      new Date(created.startsAt).getTime() - 2000,
    );
    expect(reminder.data).toMatchObject({ startsAt: created.startsAt, clientId: client.id });

    const callId = await registerCall({ clientId: client.id });
    const done = await act(agent, created.id, 'done', { note: 'agreed' }).expect(200);
    expect(done.body).toMatchObject({ status: 'done', resultCallId: callId });
    expect(done.body.closedAt).not.toBeNull();

    const again = await act(agent, created.id, 'postpone', {
      startsAt: inSeconds(3600),
      reasonText: 'late',
    }).expect(409);
    expect(again.body.error.code).toBe('PLANNED_CONTACT_CLOSED');

    const chain = await app.http
      .get(`/api/clients/${client.id}/chain`)
      .set(auth(agent))
      .expect(200);
    const items = chain.body.items as {
      type: string;
      id: string;
      follows: unknown;
      followedBy: unknown[];
    }[];
    expect(items.find((i) => i.id === callId)).toMatchObject({
      type: 'call',
      follows: { type: 'planned', id: created.id },
    });
    expect(items.find((i) => i.id === created.id)).toMatchObject({
      type: 'planned',
      followedBy: [{ type: 'call', id: callId }],
    });

    // A plan made from the call follows it in the chain.
    const followUp = await app.http
      .post(`/api/calls/${callId}/plan-callback`)
      .set(auth(receptionist))
      .send({ assigneeId: agent.id, startsAt: inSeconds(86_400) })
      .expect(201);
    expect(followUp.body).toMatchObject({
      origin: 'call',
      followsCallId: callId,
      clientId: client.id,
      assigneeId: agent.id,
    });
  });

  it('postponing moves the reminder job: the old one is removed and never fires; the history keeps it', async () => {
    const agent = await createUser(app, ['agent']);
    const created = await plan(agent, {
      kind: 'task',
      subject: 'Send the contract',
      startsAt: inSeconds(600),
    });
    expect(created.durationMinutes).toBeNull();
    const jobs = worker.get(JobProducer).queue('planner');
    const oldJobId = plannerJobIds.reminder(created.id, new Date(created.startsAt));
    await eventually(
      () => jobs.getJob(oldJobId),
      (job) => job !== undefined,
    );

    const refused = await act(agent, created.id, 'postpone', { startsAt: inSeconds(5) }).expect(
      400,
    );
    expect(refused.body.error.code).toBe('REASON_REQUIRED');

    const moved = await act(agent, created.id, 'postpone', {
      startsAt: inSeconds(5),
      reasonId: reasonId('rescheduled by client'),
      reasonText: 'asked for later today',
    }).expect(200);
    expect(moved.body).toMatchObject({ status: 'postponed', postponeCount: 1 });
    expect(moved.body.firstDueAt).toBe(created.firstDueAt);

    await eventually(
      () => jobs.getJob(oldJobId),
      (job) => job === undefined,
    );
    const [reminder] = await eventually(
      () => notificationsOf(agent, 'planner-reminder', created.id),
      (found) => found.length > 0,
      CEILING_MS,
    );
    expect(reminder.data.startsAt).toBe(moved.body.startsAt);

    // Had the old job fired anyway, it would find the plan moved and do nothing.
    await worker
      .get(PlannerSchedule)
      .remind({ plannedContactId: created.id, startsAt: created.startsAt });
    expect(await notificationsOf(agent, 'planner-reminder', created.id)).toHaveLength(1);

    const detail = await app.http
      .get(`/api/planned-contacts/${created.id}`)
      .set(auth(agent))
      .expect(200);
    expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual([
      'created',
      'postponed',
    ]);
    expect(detail.body.history[1]).toMatchObject({
      fromStartsAt: created.startsAt,
      toStartsAt: moved.body.startsAt,
      reason: 'rescheduled by client',
      reasonText: 'asked for later today',
    });
  });

  it('overdue: the assignee is told at the due time, the supervisors after the grace', async () => {
    const agent = await createUser(app, ['agent']);
    const watcher = await createUser(app, ['supervisor']);
    const created = await plan(agent, {
      kind: 'email',
      subject: 'Send the price list',
      startsAt: inSeconds(1),
    });
    await eventually(
      () => notificationsOf(agent, 'planner-overdue', created.id),
      (found) => found.length === 1,
      CEILING_MS,
    );
    await eventually(
      () => notificationsOf(watcher, 'planner-overdue', created.id),
      (found) => found.length === 1,
      CEILING_MS,
    );
    const listed = await app.http
      .get('/api/planned-contacts')
      .set(auth(agent))
      .query({ overdue: 'true' })
      .expect(200);
    expect(listed.body.items.map((p: PlannedContactDto) => p.id)).toEqual([created.id]);
  });

  it('failing needs a reason; cancelling does not', async () => {
    const agent = await createUser(app, ['agent']);
    const first = await plan(agent, {
      kind: 'meeting',
      subject: 'Demo',
      startsAt: inSeconds(7200),
    });
    expect(first.durationMinutes).toBe(60);
    const refused = await act(agent, first.id, 'fail', { note: 'no answer' }).expect(400);
    expect(refused.body.error).toMatchObject({ code: 'REASON_REQUIRED', field: 'reasonId' });
    const unknown = await act(agent, first.id, 'fail', { reasonId: MISSING_ID }).expect(400);
    expect(unknown.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'reasonId' });
    const failed = await act(agent, first.id, 'fail', {
      reasonId: reasonId('client declined'),
    }).expect(200);
    expect(failed.body).toMatchObject({ status: 'failed', reasonId: reasonId('client declined') });

    const second = await plan(agent, { kind: 'task', subject: 'x', startsAt: inSeconds(7200) });
    await act(agent, second.id, 'cancel').expect(200);
    const bad = await act(agent, MISSING_ID, 'done').expect(404);
    expect(bad.body.error.code).toBe('PLANNED_CONTACT_NOT_FOUND');
  });

  it('hold for callback: a planned call for the curator, else for the receptionist who held it, due within the queue target; calling back closes it', async () => {
    const curator = await createUser(app, ['agent']);
    const withCurator = await createClient(app, admin, { curatorId: curator.id });
    const without = await createClient(app, admin);
    const queue = await queueCode({ callbackTargetMinutes: 30 });

    const held = async (clientId: string) => {
      const callId = await registerCall({ clientId, queue });
      await app.http.post(`/api/calls/${callId}/callback`).set(auth(receptionist)).expect(200);
      const found = await eventually(
        async () =>
          (
            await app.http
              .get('/api/planned-contacts')
              .set(auth(supervisor))
              .query({ clientId })
              .expect(200)
          ).body.items as PlannedContactDto[],
        (items) => items.some((p) => p.followsCallId === callId),
      );
      return { callId, planned: found.find((p) => p.followsCallId === callId)! };
    };

    const one = await held(withCurator.id);
    expect(one.planned).toMatchObject({
      kind: 'call',
      origin: 'hold',
      assigneeId: curator.id,
      durationMinutes: 30,
      status: 'planned',
    });
    const window = new Date(one.planned.dueAt).getTime() - new Date(one.planned.startsAt).getTime();
    expect(window).toBe(30 * 60_000);

    const two = await held(without.id);
    expect(two.planned).toMatchObject({ origin: 'hold', assigneeId: receptionist.id });

    // The unfinished inbound contacts list it with its callback plan until it is called back.
    const range = { from: inSeconds(-3600), to: inSeconds(3600) };
    const before = (
      await app.http.get('/api/stats/planner').set(auth(supervisor)).query(range).expect(200)
    ).body as PlannerStatsDto;
    expect(before.unfinished.find((u) => u.callId === one.callId)).toMatchObject({
      outcome: 'missed',
      callbackPlanId: one.planned.id,
      callbackAssigneeId: curator.id,
      curatorId: curator.id,
    });

    await app.http.post(`/api/calls/${one.callId}/callback-done`).set(auth(curator)).expect(200);
    await eventually(
      async () =>
        (await app.http.get(`/api/planned-contacts/${one.planned.id}`).set(auth(curator)))
          .body as PlannedContactDto,
      (p) => p.status === 'done',
    );
    const after = (
      await app.http.get('/api/stats/planner').set(auth(supervisor)).query(range).expect(200)
    ).body as PlannerStatsDto;
    expect(after.unfinished.map((u) => u.callId)).not.toContain(one.callId);

    // Done the other way round: the plan marks its missed call called back.
    await act(receptionist, two.planned.id, 'done').expect(200);
    const call = await app.http.get(`/api/calls/${two.callId}`).set(auth(receptionist));
    expect(call.body.calledBackAt).not.toBeNull();
  });

  it('a hold whose process died before planning: the outbox sweep plans the call back', async () => {
    const client = await createClient(app, admin);
    const queue = await queueCode();
    const callId = await registerCall({ clientId: client.id, queue });
    // What CallActionsService does, minus the dispatch after the hold: as if the process died.
    await app.app.get(PlannerService).beforeHold(callId, receptionist.id);
    await app.app.get(CallActionsService).leaveForCallback(callId, null, receptionist.username);
    const [planned] = await eventually(
      async () =>
        (
          await app.http
            .get('/api/planned-contacts')
            .set(auth(receptionist))
            .query({ clientId: client.id })
            .expect(200)
        ).body.items as PlannedContactDto[],
      (items) => items.length > 0,
      CEILING_MS,
    );
    expect(planned).toMatchObject({
      origin: 'hold',
      followsCallId: callId,
      assigneeId: receptionist.id,
    });
  });

  it("a missed call of a client with a curator becomes the curator's planned call back", async () => {
    const curator = await createUser(app, ['agent']);
    const client = await createClient(app, admin, { curatorId: curator.id });
    const queue = await queueCode({ maxWaitSeconds: 5, callbackTargetMinutes: 45 });
    const callId = await registerCall({ clientId: client.id, queue });
    const [planned] = await eventually(
      async () =>
        (
          await app.http
            .get('/api/planned-contacts')
            .set(auth(curator))
            .query({ clientId: client.id })
            .expect(200)
        ).body.items as PlannedContactDto[],
      (items) => items.length > 0,
      CEILING_MS,
    );
    expect(planned).toMatchObject({
      origin: 'missed',
      kind: 'call',
      followsCallId: callId,
      assigneeId: curator.id,
      durationMinutes: 45,
    });
  });

  it("reassigning moves the plan to the other person's calendar, and both are told", async () => {
    const [from, to] = await Promise.all([createUser(app, ['agent']), createUser(app, ['agent'])]);
    const created = await plan(receptionist, {
      assigneeId: from.id,
      kind: 'call',
      subject: 'handover',
      startsAt: inSeconds(7200),
    });
    const before = new EventRecorder(app.url, { token: from.token });
    recorders.push(before);
    await before.synced();
    const moved = await app.http
      .patch(`/api/planned-contacts/${created.id}`)
      .set(auth(receptionist))
      .send({ assigneeId: to.id, note: 'you know them better' })
      .expect(200);
    expect(moved.body).toMatchObject({ assigneeId: to.id, note: 'you know them better' });
    const seen = await before.waitFor((e) => e.name === 'planner.changed');
    expect(seen.payload).toMatchObject({ change: 'updated', previousAssigneeId: from.id });
    const gone = await app.http.get(`/api/planned-contacts/${created.id}`).set(auth(from));
    expect(gone.status).toBe(404);
    const taken = await app.http
      .patch(`/api/planned-contacts/${created.id}`)
      .set(auth(to))
      .send({ assigneeId: from.id })
      .expect(403);
    expect(taken.body.error.code).toBe('FORBIDDEN');
  });

  it('the iCalendar feed parses, with the plans; a rotated or revoked token is refused', async () => {
    const agent = await createUser(app, ['agent']);
    const created = await plan(agent, {
      kind: 'meeting',
      subject: 'Visit, Thursday',
      note: 'Bring the samples',
      startsAt: inSeconds(86_400),
      durationMinutes: 90,
    });
    const first = await app.http.post('/api/me/calendar-token').set(auth(agent)).expect(201);
    const feed = await app.http.get('/api/me/calendar.ics').query({ token: first.body.token });
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
    const calendar = new ICAL.Component(ICAL.parse(feed.text) as unknown[]);
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const event = events.find((e) => e.uid === `${created.id}@switchboard`);
    expect(event).toBeDefined();
    expect(event!.summary).toBe('Meeting: Visit, Thursday');
    // iCalendar times have whole seconds.
    const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
    expect(event!.startDate.toJSDate().getTime() / 1000).toBe(seconds(created.startsAt));
    expect(event!.endDate.toJSDate().getTime() / 1000).toBe(seconds(created.dueAt));
    expect(event!.description).toContain('Bring the samples');

    const second = await app.http.post('/api/me/calendar-token').set(auth(agent)).expect(201);
    const rotated = await app.http.get('/api/me/calendar.ics').query({ token: first.body.token });
    expect([rotated.status, rotated.body.error?.code]).toEqual([401, 'INVALID_FEED_TOKEN']);
    await app.http.get('/api/me/calendar.ics').query({ token: second.body.token }).expect(200);
    await app.http.delete('/api/me/calendar-token').set(auth(agent)).expect(204);
    const revoked = await app.http.get('/api/me/calendar.ics').query({ token: second.body.token });
    expect([revoked.status, revoked.body.error?.code]).toEqual([401, 'INVALID_FEED_TOKEN']);
  });

  it('an agent sees and moves only their own plans; receptionists plan for others', async () => {
    const [mine, other] = await Promise.all([
      createUser(app, ['agent']),
      createUser(app, ['agent']),
    ]);
    const own = await plan(mine, { kind: 'task', subject: 'mine', startsAt: inSeconds(7200) });
    const theirs = await plan(receptionist, {
      assigneeId: other.id,
      kind: 'call',
      subject: 'theirs',
      startsAt: inSeconds(7200),
    });
    expect(theirs).toMatchObject({ assigneeId: other.id, createdById: receptionist.id });

    const forOther = await app.http
      .post('/api/planned-contacts')
      .set(auth(mine))
      .send({ assigneeId: other.id, kind: 'task', subject: 'x', startsAt: inSeconds(60) })
      .expect(403);
    expect(forOther.body.error.code).toBe('FORBIDDEN');

    const list = await app.http.get('/api/planned-contacts').set(auth(mine)).expect(200);
    expect(list.body.items.map((p: PlannedContactDto) => p.id)).toEqual([own.id]);
    expect(list.body.total).toBe(1);
    await app.http
      .get('/api/planned-contacts')
      .set(auth(mine))
      .query({ assigneeId: other.id })
      .expect(403);
    for (const res of [
      await app.http.get(`/api/planned-contacts/${theirs.id}`).set(auth(mine)),
      await act(mine, theirs.id, 'done'),
      await app.http
        .patch(`/api/planned-contacts/${theirs.id}`)
        .set(auth(mine))
        .send({ subject: 'hijack' }),
    ]) {
      expect([res.status, res.body.error?.code]).toEqual([404, 'PLANNED_CONTACT_NOT_FOUND']);
    }
    const everyone = await app.http
      .get('/api/planned-contacts')
      .set(auth(supervisor))
      .query({ assigneeId: other.id })
      .expect(200);
    expect(everyone.body.items.map((p: PlannedContactDto) => p.id)).toEqual([theirs.id]);
  });

  it('the planner report equals a hand count of the fixtures, in JSON and CSV', async () => {
    const agent = await createUser(app, ['agent']);
    const at = (iso: string) => ({ startsAt: iso });
    // Past plans are late or overdue; plans in 2039 are on time or still open.
    const late = await plan(agent, {
      kind: 'task',
      subject: 'late',
      ...at('2020-01-01T10:00:00Z'),
    });
    const onTime = await plan(agent, {
      kind: 'task',
      subject: 'on time',
      ...at('2039-01-01T10:00:00Z'),
    });
    const moved = await plan(agent, {
      kind: 'task',
      subject: 'moved',
      ...at('2039-02-01T10:00:00Z'),
    });
    const failed = await plan(agent, {
      kind: 'call',
      subject: 'failed',
      ...at('2020-02-01T10:00:00Z'),
    });
    await plan(agent, { kind: 'task', subject: 'overdue', ...at('2020-03-01T10:00:00Z') });
    const cancelled = await plan(agent, {
      kind: 'meeting',
      subject: 'cancelled',
      ...at('2039-05-01T10:00:00Z'),
    });
    await plan(agent, { kind: 'task', subject: 'outside', ...at('2041-01-01T10:00:00Z') });

    const lateDone = (await act(agent, late.id, 'done').expect(200)).body as PlannedContactDto;
    await act(agent, onTime.id, 'done').expect(200);
    await act(agent, moved.id, 'postpone', {
      startsAt: '2039-03-01T10:00:00Z',
      reasonId: reasonId('client unavailable'),
    }).expect(200);
    await act(agent, moved.id, 'postpone', {
      startsAt: '2039-04-01T10:00:00Z',
      reasonText: 'waiting for the budget',
    }).expect(200);
    await act(agent, failed.id, 'fail', { reasonId: reasonId('client declined') }).expect(200);
    await act(agent, cancelled.id, 'cancel').expect(200);

    const lateDelay =
      (new Date(lateDone.closedAt!).getTime() - new Date('2020-01-01T10:00:00Z').getTime()) /
      60_000;
    const query = {
      from: '2019-12-31T00:00:00',
      to: '2040-01-01T00:00:00',
      tz: 'Europe/Berlin',
      assigneeId: agent.id,
    };
    const report = (
      await app.http.get('/api/stats/planner').set(auth(supervisor)).query(query).expect(200)
    ).body as PlannerStatsDto;
    expect(report.tz).toBe('Europe/Berlin');
    expect(report.from).toBe('2019-12-30T23:00:00.000Z');
    expect(report.people).toHaveLength(1);
    const person = report.people[0];
    expect(person).toMatchObject({
      assigneeId: agent.id,
      username: agent.username,
      planned: 6,
      doneOnTime: 1,
      doneLate: 1,
      postponed: 2,
      failed: 1,
      cancelled: 1,
      overdueNow: 1,
    });
    // The median of a late delay and an on-time 0 is half the late delay.
    expect(person.medianDelayMinutes).toBeCloseTo(lateDelay / 2, 0);
    expect(report.reasons.map((r) => [r.reason, r.postponed, r.failed]).sort()).toEqual(
      [
        ['(free text)', 1, 0],
        ['client declined', 0, 1],
        ['client unavailable', 1, 0],
      ].sort(),
    );

    const csv = await app.http
      .get('/api/stats/planner')
      .set(auth(supervisor))
      .query({ ...query, format: 'csv' })
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [header, row] = csv.text.trim().split('\r\n');
    expect(header).toBe(
      'assigneeId,username,displayName,planned,doneOnTime,doneLate,postponed,failed,cancelled,overdueNow,medianDelayMinutes',
    );
    expect(row.split(',').slice(3, 10)).toEqual(['6', '1', '1', '2', '1', '1', '1']);

    const bad = await app.http
      .get('/api/stats/planner')
      .set(auth(supervisor))
      .query({ ...query, tz: 'Mars/Olympus' })
      .expect(400);
    expect(bad.body.error.code).toBe('INVALID_TIME_ZONE');
  });

  it('the reminder lead is a per-person notification setting', async () => {
    const agent = await createUser(app, ['agent']);
    const defaults = await app.http
      .get('/api/me/notification-settings')
      .set(auth(agent))
      .expect(200);
    expect(defaults.body).toMatchObject({ plannerLeadMinutes: null, plannerLeadSeconds: 2 });
    const set = await app.http
      .put('/api/me/notification-settings')
      .set(auth(agent))
      .send({ plannerLeadMinutes: 10 })
      .expect(200);
    expect(set.body).toMatchObject({ plannerLeadMinutes: 10, plannerLeadSeconds: 600 });
    expect(set.body.kinds).toHaveProperty('planner-reminder', { inApp: true });
  });

  it('without the PBX connector "call now" is refused with a clear code, and settings say so', async () => {
    const agent = await createUser(app, ['agent'], { extension: `83${suffix()}` });
    const settings = await app.http.get('/api/planner/settings').set(auth(agent)).expect(200);
    expect(settings.body).toEqual({ timeZone: expect.any(String), callNow: false });
    const client = await createClient(app, admin, { phones: ['+12015550177'] });
    const call = await plan(agent, {
      kind: 'call',
      subject: 'Call about the offer',
      startsAt: inSeconds(600),
      clientId: client.id,
    });
    const refused = await act(agent, call.id, 'call-now').expect(409);
    expect(refused.body.error.code).toBe('PBX_NOT_CONFIGURED');
  });

  it('a plan made in a request stage names the stage, its request and client, and joins the chain', async () => {
    const agent = await createUser(app, ['agent']);
    const client = await createClient(app, admin);
    const queue = await queueCode();
    const made = async () =>
      (
        await app.http
          .post('/api/requests')
          .set(auth(receptionist))
          .send({ channel: 'email', subject: 'Contract', queue, clientId: client.id })
          .expect(201)
      ).body as { id: string };
    const request = await made();
    const other = await made();
    const detail = await app.http.get(`/api/requests/${request.id}`).set(auth(admin)).expect(200);
    const stages = detail.body.stages as { id: string; stage: string }[];
    const stageId = stages[1].id;

    const plan = await app.http
      .post('/api/planned-contacts')
      .set(auth(agent))
      .send({
        kind: 'call',
        subject: 'Agree the terms',
        startsAt: inSeconds(3600),
        followsRequestStageId: stageId,
      })
      .expect(201);
    expect(plan.body).toMatchObject({
      followsRequestStageId: stageId,
      followsRequestId: request.id,
      clientId: client.id,
      origin: 'request',
    });

    const mismatch = await app.http
      .post('/api/planned-contacts')
      .set(auth(agent))
      .send({
        kind: 'task',
        subject: 'Send the draft',
        startsAt: inSeconds(3600),
        followsRequestStageId: stageId,
        followsRequestId: other.id,
      })
      .expect(400);
    expect(mismatch.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'followsRequestStageId',
    });
    const unknown = await app.http
      .post('/api/planned-contacts')
      .set(auth(agent))
      .send({
        kind: 'task',
        subject: 'Send the draft',
        startsAt: inSeconds(3600),
        followsRequestStageId: MISSING_ID,
      })
      .expect(400);
    expect(unknown.body.error.field).toBe('followsRequestStageId');

    const chain = await app.http
      .get(`/api/clients/${client.id}/chain`)
      .set(auth(agent))
      .expect(200);
    const item = (chain.body.items as { type: string; id: string; follows: unknown }[]).find(
      (i) => i.id === plan.body.id,
    );
    expect(item?.follows).toEqual({ type: 'request', id: request.id });
  });
});
