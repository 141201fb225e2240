import { MikroORM } from '@mikro-orm/core';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OutboxRelay } from '@/outbox/outbox.relay';
import { WorkerModule } from '@workers/worker.module';
import {
  createClient,
  createLine,
  createQueue,
  randomUsPhone,
  uniqueSuffix,
} from '@test/factories/directory.factory';
import { EventRecorder } from '@test/support/event-recorder';
import { startApp, TestApp } from '@test/support/test-app';
import { adminToken, createApiKey, createUser, TestUser } from '@test/support/users';

interface Notification {
  kind: string;
  title: string;
  data: Record<string, unknown>;
}

/** Domain events of calls become notifications for the people they concern (worker fan-out). */
describe('alerts from call events (e2e)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let key: string;
  let admin: string;
  let curator: TestUser;
  let line: string;
  let queue: string;
  const recorders: EventRecorder[] = [];

  beforeAll(async () => {
    app = await startApp();
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    admin = await adminToken(app);
    key = await createApiKey(app);
    curator = await createUser(app, ['agent']);
    line = (await createLine(app, admin)).code;
    queue = (await createQueue(app, admin)).code;
  });
  afterEach(() => recorders.splice(0).forEach((r) => r.close()));
  afterAll(async () => {
    await new Promise((r) => setTimeout(r, 200));
    await worker.close();
    await app.close();
  });

  /** arrived → queued → abandoned for one caller, `minutesAgo` before now. */
  function abandonedCall(from: string, minutesAgo: number) {
    const callId = `alert-${uniqueSuffix()}`;
    const base = Date.now() - minutesAgo * 60_000;
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    return [
      { id: `${callId}-1`, callId, type: 'arrived', at: at(0), line, from },
      { id: `${callId}-2`, callId, type: 'queued', at: at(1), line, from, queue },
      { id: `${callId}-3`, callId, type: 'abandoned', at: at(20), line, from, queue },
    ];
  }
  const send = (events: object[]) =>
    app.http.post('/api/telephony/events').set('x-api-key', key).send(events).expect(200);
  const inbox = async (user: TestUser): Promise<Notification[]> =>
    (
      await app.http
        .get('/api/notifications')
        .set('authorization', `Bearer ${user.token}`)
        .expect(200)
    ).body.items as Notification[];

  it("tells the curator live about their client's missed call, once, and not about history", async () => {
    const phone = randomUsPhone();
    const client = await createClient(app, admin, {
      name: `Acme ${uniqueSuffix()}`,
      phones: [phone.e164],
      curatorId: curator.id,
    });
    const socket = new EventRecorder(app.url, { token: curator.token });
    recorders.push(socket);
    await socket.synced();

    // Two days old: an import of history, recorded but not worth an alert.
    await send(abandonedCall(phone.e164, 48 * 60));
    const live = abandonedCall(phone.e164, 1);
    await send(live);
    await send(live); // a connector replaying its batch

    const created = await socket.waitFor(
      (e) => e.name === 'notification.created' && e.payload.kind === 'missed-call',
    );
    expect(created.payload).toMatchObject({
      kind: 'missed-call',
      title: `Missed call from ${client.name} (${phone.e164})`,
      data: { clientId: client.id, from: phone.e164, queue },
    });
    expect(typeof created.payload.seq).toBe('number');

    // Give a wrongly queued second alert (history, duplicate) time to arrive before counting.
    await new Promise((r) => setTimeout(r, 1000));
    const missed = (await inbox(curator)).filter((n) => n.kind === 'missed-call');
    expect(missed).toHaveLength(1);
    expect(missed[0].data.externalId).toBe(live[0].callId);
  });

  it('sends a missed-call alert lost with a killed process from the outbox, once', async () => {
    const owner = await createUser(app, ['agent']);
    const phone = randomUsPhone();
    await createClient(app, admin, {
      name: `Lost ${uniqueSuffix()}`,
      phones: [phone.e164],
      curatorId: owner.id,
    });
    const events = abandonedCall(phone.e164, 1);
    const ofThisCall = async () =>
      (await inbox(owner)).filter((n) => n.data.externalId === events[0].callId);

    // Stage the loss: the API commits the call (and its outbox row), then dies before the
    // in-memory dispatch runs.
    const dispatch = jest
      .spyOn(app.app.get(OutboxRelay), 'dispatch')
      .mockImplementation(() => Promise.resolve());
    try {
      await send(events);
    } finally {
      dispatch.mockRestore();
    }
    const sql = (query: string, params: unknown[]) =>
      worker.get(MikroORM).em.fork().getConnection().execute<{ id: string }[]>(query, params);
    const [call] = await sql(`select id from calls where external_id = ?`, [events[0].callId]);
    const rows = `select id from outbox where topic = 'call.changed' and payload->>'callId' = ?`;
    expect(await sql(rows, [call.id])).toHaveLength(1);
    expect(await ofThisCall()).toHaveLength(0);

    // Past the grace, the worker's relay delivers it; a second pass finds nothing to do.
    await sql(`update outbox set next_attempt_at = now() where payload->>'callId' = ?`, [call.id]);
    const relay = worker.get(OutboxRelay);
    await relay.sweep();
    await relay.sweep();
    expect(await sql(rows, [call.id])).toHaveLength(0);
    const deadline = Date.now() + 10_000;
    while ((await ofThisCall()).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    // Give a wrongly queued second alert time to arrive before counting.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await ofThisCall()).toHaveLength(1);
  });

  it('tells the supervisors when the caller has no curator', async () => {
    const supervisor = await createUser(app, ['supervisor']);
    const unknown = randomUsPhone();
    const events = abandonedCall(unknown.e164, 1);
    await send(events);
    const deadline = Date.now() + 10_000;
    let found: Notification | undefined;
    while (!found && Date.now() < deadline) {
      found = (await inbox(supervisor)).find((n) => n.data.externalId === events[0].callId);
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found).toMatchObject({ kind: 'missed-call', title: `Missed call from ${unknown.e164}` });
  });
});
