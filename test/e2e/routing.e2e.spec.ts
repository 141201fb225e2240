import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Socket } from 'socket.io-client';
import { WorkerModule } from '@workers/worker.module';
import { connected, connectSocket, startApp, TestApp } from '@test/support/test-app';
import { adminToken, createUser, TestUser } from '@test/support/users';
import { eventually, nextEvent } from '@test/support/wait';

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
interface Offer {
  offerId: string;
  kind: string;
  item: { id: string; callId: string; from: string | null; queue: string | null };
  dossier: unknown;
  expiresAt: string;
}

const suffix = () => randomBytes(3).toString('hex');

interface Agent extends TestUser {
  socket: Socket;
}

describe('routing (e2e)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let admin: string;
  let receptionist: TestUser;
  const sockets: Socket[] = [];

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  async function agentOnline(available = true): Promise<Agent> {
    const user = await createUser(app, ['agent']);
    const socket = connectSocket(app.url, { token: user.token });
    sockets.push(socket);
    await connected(socket);
    if (available) {
      const res = (await socket
        .timeout(5000)
        .emitWithAck('staff.status', { status: 'available' })) as Ack<unknown>;
      expect(res.ok).toBe(true);
    }
    return { ...user, socket };
  }

  async function queueWith(
    members: TestUser[],
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; code: string }> {
    const code = `q-${suffix()}`;
    const queue = await app.http
      .post('/api/queues')
      .set(auth(admin))
      .send({ code, name: `Queue ${code}`, strategy: 'longest-idle', ...extra })
      .expect(201);
    for (const m of members) {
      await app.http
        .put(`/api/queues/${queue.body.id}/members/${m.id}`)
        .set(auth(admin))
        .send({ skillLevel: 5 })
        .expect(200);
    }
    return { id: queue.body.id as string, code };
  }

  let lineCode: string;
  async function registerCall(queueCode: string): Promise<{ id: string; externalId: string }> {
    const res = await app.http
      .post('/api/calls')
      .set(auth(receptionist.token))
      .send({ from: '+12025550100', line: lineCode, queue: queueCode, topic: 'routing test' })
      .expect(201);
    return { id: res.body.id as string, externalId: res.body.externalId as string };
  }

  beforeAll(async () => {
    app = await startApp({
      OFFER_TIMEOUT_CALL_SECONDS: '2',
      NO_ANSWER_BREAK_AFTER: '2',
      DECLINE_COOLDOWN_SECONDS: '30',
    });
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
    admin = await adminToken(app);
    receptionist = await createUser(app, ['receptionist']);
    lineCode = `l-${suffix()}`;
    await app.http
      .post('/api/lines')
      .set(auth(admin))
      .send({ code: lineCode, name: 'Test line', channels: 100 })
      .expect(201);
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));
  afterAll(async () => {
    await worker.close();
    await app.close();
  });

  it('offers a new call to an available member with its dossier; accepting answers it', async () => {
    const agent = await agentOnline();
    const queue = await queueWith([agent]);
    const offered = nextEvent<Offer>(agent.socket, 'offer');
    const call = await registerCall(queue.code);
    const offer = await offered;
    expect(offer).toMatchObject({
      kind: 'call',
      item: { id: call.id, callId: call.externalId, from: '+12025550100' },
    });
    expect(offer.dossier).toBeDefined();
    const res = (await agent.socket
      .timeout(5000)
      .emitWithAck('offer.accept', { offerId: offer.offerId })) as Ack<unknown>;
    expect(res.ok).toBe(true);
    const row = await app.http
      .get(`/api/calls/${call.id}`)
      .set(auth(receptionist.token))
      .expect(200);
    expect(row.body).toMatchObject({ status: 'answered' });
    const me = await app.http.get('/api/me/status').set(auth(agent.token)).expect(200);
    expect(me.body).toMatchObject({ state: 'busy', currentCallId: call.id });
    const decisions = await app.http
      .get(`/api/calls/${call.id}/routing`)
      .set(auth(receptionist.token))
      .expect(200);
    expect(decisions.body[0]).toMatchObject({
      strategy: 'longest-idle',
      offeredTo: [agent.id],
      trigger: expect.any(String),
    });
  });

  it('a decline goes to the next person; accepting a declined offer is OFFER_EXPIRED; someone else’s offer is NOT_FOUND', async () => {
    const first = await agentOnline();
    const second = await agentOnline();
    const queue = await queueWith([first, second]);
    const offers = [
      nextEvent<Offer>(first.socket, 'offer'),
      nextEvent<Offer>(second.socket, 'offer'),
    ];
    await registerCall(queue.code);
    const firstOffer = await Promise.race(offers.map((p, i) => p.then((o) => ({ o, i }))));
    const holder = firstOffer.i === 0 ? first : second;
    const other = firstOffer.i === 0 ? second : first;
    const stranger = (await other.socket
      .timeout(5000)
      .emitWithAck('offer.accept', { offerId: firstOffer.o.offerId })) as Ack<unknown>;
    expect(stranger).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const declined = (await holder.socket
      .timeout(5000)
      .emitWithAck('offer.decline', { offerId: firstOffer.o.offerId })) as Ack<unknown>;
    expect(declined.ok).toBe(true);
    const nextOffer = await offers[firstOffer.i === 0 ? 1 : 0];
    expect(nextOffer.offerId).not.toBe(firstOffer.o.offerId);
    const late = (await holder.socket
      .timeout(5000)
      .emitWithAck('offer.accept', { offerId: firstOffer.o.offerId })) as Ack<unknown>;
    expect(late).toMatchObject({ ok: false, error: { code: 'OFFER_EXPIRED' } });
  });

  it('no answer in time moves the offer on (durable job), and repeated no-answers put a person on break', async () => {
    const sleepy = await agentOnline();
    const queue = await queueWith([sleepy]);
    const firstOffer = nextEvent<Offer>(sleepy.socket, 'offer');
    await registerCall(queue.code);
    await firstOffer;
    const revoked = await nextEvent<{ reason: string }>(sleepy.socket, 'offer.revoked');
    expect(revoked.reason).toBe('expired');
    // Nobody else is in the queue and the person timed out on this call: it waits.
    const secondOffer = nextEvent<Offer>(sleepy.socket, 'offer');
    await registerCall(queue.code);
    await secondOffer;
    const onBreak = await eventually(
      async () =>
        (await app.http.get('/api/me/status').set(auth(sleepy.token))).body as {
          status: string;
          breakReason: string;
        },
      (p) => p.status === 'break',
    );
    expect(onBreak.breakReason).toBe('no-answer');
  });

  it('longest-idle counts idle time from the end of the last call, not from going available', async () => {
    const first = await agentOnline();
    const second = await agentOnline();
    const queue = await queueWith([first, second]);
    const firstOffer = nextEvent<Offer>(first.socket, 'offer');
    const call = await registerCall(queue.code);
    const offer = await firstOffer;
    expect(offer.item.id).toBe(call.id);
    const accepted = (await first.socket
      .timeout(5000)
      .emitWithAck('offer.accept', { offerId: offer.offerId })) as Ack<unknown>;
    expect(accepted.ok).toBe(true);
    await app.http.post(`/api/calls/${call.id}/end`).set(auth(first.token)).expect(200);
    await eventually(
      async () =>
        (await app.http.get('/api/me/status').set(auth(first.token))).body as {
          state: string;
        },
      (p) => p.state === 'idle',
    );
    // The first agent went available earlier, but has been idle only since their call ended.
    const nextOffer = Promise.race([
      nextEvent<Offer>(first.socket, 'offer').then((o) => ({ to: first.id, o })),
      nextEvent<Offer>(second.socket, 'offer').then((o) => ({ to: second.id, o })),
    ]);
    const next = await registerCall(queue.code);
    const { to, o } = await nextOffer;
    expect(o.item.id).toBe(next.id);
    expect(to).toBe(second.id);
  });

  it('a waiting call is offered the moment someone becomes available', async () => {
    const late = await agentOnline(false);
    const queue = await queueWith([late]);
    const call = await registerCall(queue.code);
    const offered = nextEvent<Offer>(late.socket, 'offer');
    await late.socket.timeout(5000).emitWithAck('staff.status', { status: 'available' });
    expect((await offered).item.id).toBe(call.id);
  });

  it('past the queue’s max wait the call is missed and supervisors are alerted', async () => {
    const supervisor = await createUser(app, ['supervisor']);
    const supSocket = connectSocket(app.url, { token: supervisor.token });
    sockets.push(supSocket);
    await connected(supSocket);
    const nobody = await createUser(app, ['agent']);
    const queue = await queueWith([nobody], { maxWaitSeconds: 5 });
    const alert = nextEvent<{ kind: string; callId: string }>(supSocket, 'routing.alert', 12_000);
    const call = await registerCall(queue.code);
    await expect(alert).resolves.toMatchObject({ kind: 'call.missed', callId: call.externalId });
    const row = await app.http
      .get(`/api/calls/${call.id}`)
      .set(auth(receptionist.token))
      .expect(200);
    expect(row.body).toMatchObject({ status: 'missed', outcome: 'missed' });
  });
});

describe('routing under concurrency with two API processes (e2e)', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    [first, second] = await Promise.all([startApp(), startApp()]);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  it('never makes two offers of one call, never offers one person two calls, and offers or queues every call', async () => {
    const admin = await adminToken(first);
    const receptionist = await createUser(first, ['receptionist']);
    const agents = await Promise.all(Array.from({ length: 6 }, () => createUser(first, ['agent'])));
    const code = `qc-${suffix()}`;
    const queue = await first.http
      .post('/api/queues')
      .set('authorization', `Bearer ${admin}`)
      .send({ code, name: code })
      .expect(201);
    const line = `lc-${suffix()}`;
    await first.http
      .post('/api/lines')
      .set('authorization', `Bearer ${admin}`)
      .send({ code: line, name: line, channels: 500 })
      .expect(201);
    for (const a of agents) {
      await first.http
        .put(`/api/queues/${queue.body.id}/members/${a.id}`)
        .set('authorization', `Bearer ${admin}`)
        .send({})
        .expect(200);
      await first.http
        .put('/api/me/status')
        .set('authorization', `Bearer ${a.token}`)
        .send({ status: 'available' })
        .expect(200);
    }
    const calls = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 === 0 ? first : second).http
          .post('/api/calls')
          .set('authorization', `Bearer ${receptionist.token}`)
          .send({ from: '+12025550199', line, queue: code })
          .expect(201),
      ),
    );
    const ids = calls.map((c) => c.body.id as string);
    await new Promise((r) => setTimeout(r, 1500));
    const em = first.app.get(MikroORM).em.fork();
    const perCall = await em
      .getConnection()
      .execute<{ item_id: string; n: number }[]>(
        `select item_id, count(*)::int as n from offers where item_id = any(?::uuid[]) and status = 'pending' group by item_id`,
        [`{${ids.join(',')}}`],
      );
    expect(perCall.every((r: { n: number }) => r.n === 1)).toBe(true);
    const perStaff = await em
      .getConnection()
      .execute<{ staff_id: string; n: number }[]>(
        `select staff_id, count(*)::int as n from offers where item_id = any(?::uuid[]) and status = 'pending' group by staff_id`,
        [`{${ids.join(',')}}`],
      );
    expect(perStaff.every((r: { n: number }) => r.n === 1)).toBe(true);
    expect(perStaff).toHaveLength(agents.length);
    const states = await em
      .getConnection()
      .execute<{ status: string; n: number }[]>(
        `select status, count(*)::int as n from calls where id = any(?::uuid[]) group by status`,
        [`{${ids.join(',')}}`],
      );
    const byStatus = Object.fromEntries(
      states.map((s: { status: string; n: number }) => [s.status, s.n]),
    );
    expect((byStatus.offered ?? 0) + (byStatus.queued ?? 0) + (byStatus.arrived ?? 0)).toBe(30);
    expect(byStatus.offered).toBe(agents.length);
  });
});

describe('live console snapshot (e2e)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('sends queue.snapshot to a receptionist on connect with waiting calls, dossiers and staff', async () => {
    const admin = await adminToken(app);
    const receptionist = await createUser(app, ['receptionist']);
    const code = `qs-${suffix()}`;
    await app.http
      .post('/api/queues')
      .set('authorization', `Bearer ${admin}`)
      .send({ code, name: code })
      .expect(201);
    const line = `ls-${suffix()}`;
    await app.http
      .post('/api/lines')
      .set('authorization', `Bearer ${admin}`)
      .send({ code: line, name: line, channels: 5 })
      .expect(201);
    const call = await app.http
      .post('/api/calls')
      .set('authorization', `Bearer ${receptionist.token}`)
      .send({ from: '+12025550111', line, queue: code })
      .expect(201);
    const socket = connectSocket(app.url, { token: receptionist.token });
    const snapshot = nextEvent<{ calls: { id: string; dossier: unknown }[]; staff: unknown[] }>(
      socket,
      'queue.snapshot',
    );
    await connected(socket);
    const received = await snapshot;
    const mine = received.calls.find((c) => c.id === call.body.id);
    expect(mine).toMatchObject({ status: 'queued', queue: code, from: '+12025550111' });
    expect(mine?.dossier).toHaveProperty('lastContacts');
    expect(Array.isArray(received.staff)).toBe(true);
    const agent = await createUser(app, ['agent']);
    const agentSocket = connectSocket(app.url, { token: agent.token });
    await connected(agentSocket);
    const refused = (await agentSocket
      .timeout(5000)
      .emitWithAck('queue.snapshot', {})) as Ack<unknown>;
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    socket.disconnect();
    agentSocket.disconnect();
  });
});
