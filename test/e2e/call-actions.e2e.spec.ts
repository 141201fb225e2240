import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
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
  item: { id: string; queue: string | null };
}
interface Revoked {
  offerId: string | null;
  itemId: string;
  reason: string;
}
interface Presence {
  status: string;
  state: string;
  currentCallId: string | null;
}
interface Decision {
  strategy: string;
  trigger: string;
  offeredTo: string[];
  reason: string;
  candidates: { rejected: { staffId: string; reason: string }[] };
}
interface Agent extends TestUser {
  socket: Socket;
}

const suffix = () => randomBytes(3).toString('hex');
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('manual call actions: end, assign, transfer, hold for callback (e2e)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let admin: string;
  let receptionist: TestUser;
  let lineCode: string;
  const sockets: Socket[] = [];

  const as = (token: string) => ({
    post: (path: string) => app.http.post(path).set('authorization', `Bearer ${token}`),
    get: (path: string) => app.http.get(path).set('authorization', `Bearer ${token}`),
  });

  async function online(status: 'available' | 'break' | null = 'available'): Promise<Agent> {
    const user = await createUser(app, ['agent']);
    const socket = connectSocket(app.url, { token: user.token });
    sockets.push(socket);
    await connected(socket);
    if (status !== null) {
      const res = (await socket
        .timeout(5000)
        .emitWithAck('staff.status', { status })) as Ack<unknown>;
      expect(res.ok).toBe(true);
    }
    return { ...user, socket };
  }

  async function queueWith(members: TestUser[], extra: Record<string, unknown> = {}) {
    const code = `qa-${suffix()}`;
    const queue = await as(admin)
      .post('/api/queues')
      .send({ code, name: `Queue ${code}`, strategy: 'longest-idle', ...extra })
      .expect(201);
    for (const m of members) {
      await app.http
        .put(`/api/queues/${queue.body.id}/members/${m.id}`)
        .set('authorization', `Bearer ${admin}`)
        .send({ skillLevel: 5 })
        .expect(200);
    }
    return code;
  }

  async function registerCall(queue: string): Promise<string> {
    const res = await as(receptionist.token)
      .post('/api/calls')
      .send({ from: '+12025550142', line: lineCode, queue })
      .expect(201);
    return res.body.id as string;
  }

  async function accept(agent: Agent, offer: Offer): Promise<void> {
    const res = (await agent.socket
      .timeout(5000)
      .emitWithAck('offer.accept', { offerId: offer.offerId })) as Ack<unknown>;
    expect(res.ok).toBe(true);
  }

  /** A call registered in `queue` and accepted by `agent`, the only one available there. */
  async function callHeldBy(agent: Agent, queue: string): Promise<string> {
    const offered = nextEvent<Offer>(agent.socket, 'offer');
    const id = await registerCall(queue);
    const offer = await offered;
    expect(offer.item.id).toBe(id);
    await accept(agent, offer);
    return id;
  }

  const presence = async (user: TestUser) =>
    (await as(user.token).get('/api/me/status').expect(200)).body as Presence;
  const getCall = async (id: string) =>
    (await as(receptionist.token).get(`/api/calls/${id}`).expect(200)).body as Record<
      string,
      unknown
    >;
  const decisions = async (id: string) =>
    (await as(receptionist.token).get(`/api/calls/${id}/routing`).expect(200)).body as Decision[];
  const eventTypes = async (id: string) =>
    (
      (await as(receptionist.token).get(`/api/calls/${id}/events`).expect(200)).body as {
        type: string;
      }[]
    ).map((e) => e.type);
  const pendingOffers = async (id: string): Promise<{ staff_id: string }[]> => {
    const em = app.app.get(MikroORM).em.fork() as EntityManager;
    return em
      .getConnection()
      .execute<{ staff_id: string }[]>(
        `select staff_id from offers where item_id = ? and status = 'pending'`,
        [id],
      );
  };

  beforeAll(async () => {
    app = await startApp({ OFFER_TIMEOUT_CALL_SECONDS: '60' });
    // Wrap-up ends in a delayed job, which only the worker runs.
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
    admin = await adminToken(app);
    receptionist = await createUser(app, ['receptionist']);
    lineCode = `la-${suffix()}`;
    await as(admin)
      .post('/api/lines')
      .send({ code: lineCode, name: 'Actions line', channels: 100 })
      .expect(201);
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));
  afterAll(async () => {
    await worker.close();
    await app.close();
  });

  describe('end', () => {
    it('the agent ends their call: wrap-up, then the next waiting call is theirs; ending again is CALL_ALREADY_ENDED', async () => {
      const agent = await online();
      const queue = await queueWith([agent], { wrapUpSeconds: 1 });
      const first = await callHeldBy(agent, queue);
      const second = await registerCall(queue);
      expect(await getCall(second)).toMatchObject({ status: 'queued' });

      const states: string[] = [];
      agent.socket.on('staff.changed', (p: Presence) => states.push(p.state));
      const next = nextEvent<Offer>(agent.socket, 'offer', 10_000);
      const ended = await as(agent.token).post(`/api/calls/${first}/end`).expect(200);
      expect(ended.body).toMatchObject({
        id: first,
        status: 'ended',
        outcome: 'answered',
        offer: null,
      });
      expect((await next).item.id).toBe(second);
      expect(states).toContain('wrap_up');
      expect(await eventTypes(first)).toEqual([
        'arrived',
        'queued',
        'offered',
        'answered',
        'ended',
      ]);

      const again = await as(agent.token).post(`/api/calls/${first}/end`).expect(409);
      expect(again.body.error.code).toBe('CALL_ALREADY_ENDED');
      const byReceptionist = await as(receptionist.token)
        .post(`/api/calls/${first}/end`)
        .expect(409);
      expect(byReceptionist.body.error.code).toBe('CALL_ALREADY_ENDED');
    });

    it('a receptionist ends a ringing call: abandoned, the offer is revoked and the person is idle again', async () => {
      const agent = await online();
      const queue = await queueWith([agent]);
      const offered = nextEvent<Offer>(agent.socket, 'offer');
      const id = await registerCall(queue);
      await offered;
      const revoked = nextEvent<Revoked>(agent.socket, 'offer.revoked');
      const ended = await as(receptionist.token).post(`/api/calls/${id}/end`).expect(200);
      expect(ended.body).toMatchObject({ status: 'abandoned', outcome: 'abandoned' });
      expect(await revoked).toMatchObject({ itemId: id, reason: 'ended' });
      await eventually(
        () => presence(agent),
        (p) => p.state === 'idle',
      );
      expect(await pendingOffers(id)).toEqual([]);
    });
  });

  describe('who may act', () => {
    it('an agent may end or transfer only the call they are on, and never assign or hold for callback', async () => {
      const holder = await online();
      const other = await online();
      const queue = await queueWith([holder]);
      const id = await callHeldBy(holder, queue);

      for (const [path, body] of [
        [`/api/calls/${id}/end`, {}],
        [`/api/calls/${id}/transfer`, { toQueue: queue }],
        [`/api/calls/${MISSING_ID}/end`, {}],
        [`/api/calls/${MISSING_ID}/transfer`, {}],
        [`/api/calls/${id}/assign`, { userId: other.id }],
        [`/api/calls/${id}/callback`, {}],
      ] as const) {
        const res = await as(other.token).post(path).send(body);
        expect([path, res.status, res.body.error?.code]).toEqual([path, 403, 'FORBIDDEN']);
      }
      expect(await getCall(id)).toMatchObject({ status: 'answered' });
      expect(await presence(holder)).toMatchObject({ state: 'busy', currentCallId: id });
    });
  });

  describe('assign', () => {
    it('offers a waiting call to the chosen idle person outside the queue, and re-assigns a ringing one', async () => {
      const absent = await createUser(app, ['agent']);
      const queue = await queueWith([absent]);
      const chosen = await online();
      const next = await online();
      const id = await registerCall(queue);
      expect(await getCall(id)).toMatchObject({ status: 'queued' });

      const offered = nextEvent<Offer>(chosen.socket, 'offer');
      const res = await as(receptionist.token)
        .post(`/api/calls/${id}/assign`)
        .send({ userId: chosen.id })
        .expect(200);
      expect(res.body).toMatchObject({
        id,
        status: 'offered',
        offer: { staffId: chosen.id, offerId: expect.any(String), expiresAt: expect.any(String) },
      });
      const offer = await offered;
      expect(offer).toMatchObject({ offerId: res.body.offer.offerId, item: { id } });
      expect((await decisions(id)).at(-1)).toMatchObject({
        strategy: 'manual',
        trigger: 'manual-assign',
        offeredTo: [chosen.id],
        reason: `manual assignment by ${receptionist.username}`,
      });

      // Ringing at one person, assigned to another: withdrawn first, never two pending offers.
      const revoked = nextEvent<Revoked>(chosen.socket, 'offer.revoked');
      const offeredNext = nextEvent<Offer>(next.socket, 'offer');
      await as(receptionist.token)
        .post(`/api/calls/${id}/assign`)
        .send({ userId: next.id })
        .expect(200);
      expect(await revoked).toMatchObject({ offerId: offer.offerId, reason: 'reassigned' });
      const nextOffer = await offeredNext;
      expect(await pendingOffers(id)).toEqual([{ staff_id: next.id }]);
      const late = (await chosen.socket
        .timeout(5000)
        .emitWithAck('offer.accept', { offerId: offer.offerId })) as Ack<unknown>;
      expect(late).toMatchObject({ ok: false, error: { code: 'OFFER_EXPIRED' } });
      await eventually(
        () => presence(chosen),
        (p) => p.state === 'idle',
      );

      // Someone being offered a call is not available for another; nothing changes.
      const other = await registerCall(queue);
      const busy = await as(receptionist.token)
        .post(`/api/calls/${other}/assign`)
        .send({ userId: next.id })
        .expect(409);
      expect(busy.body.error.code).toBe('STAFF_NOT_AVAILABLE');
      expect(await getCall(other)).toMatchObject({ status: 'queued' });
      expect(await pendingOffers(other)).toEqual([]);
      expect(await pendingOffers(id)).toEqual([{ staff_id: next.id }]);

      await accept(next, nextOffer);
      const talking = await as(receptionist.token)
        .post(`/api/calls/${id}/assign`)
        .send({ userId: chosen.id })
        .expect(409);
      expect(talking.body.error.code).toBe('CALL_NOT_WAITING');
      await as(next.token).post(`/api/calls/${id}/end`).expect(200);
      const over = await as(receptionist.token)
        .post(`/api/calls/${id}/assign`)
        .send({ userId: chosen.id })
        .expect(409);
      expect(over.body.error.code).toBe('CALL_ALREADY_ENDED');
    });

    it('refuses a person on break or offline with STAFF_NOT_AVAILABLE', async () => {
      const resting = await online('break');
      const offline = await createUser(app, ['agent']);
      const queue = await queueWith([]);
      const id = await registerCall(queue);
      for (const person of [resting, offline]) {
        const res = await as(receptionist.token)
          .post(`/api/calls/${id}/assign`)
          .send({ userId: person.id })
          .expect(409);
        expect(res.body.error.code).toBe('STAFF_NOT_AVAILABLE');
      }
      expect((await decisions(id)).filter((d) => d.strategy === 'manual')).toEqual([]);
      expect(await pendingOffers(id)).toEqual([]);
    });
  });

  describe('transfer', () => {
    it('to a person: the holder is released, the person is offered the call and answers it', async () => {
      const holder = await online();
      const colleague = await online();
      const resting = await online('break');
      const queue = await queueWith([holder]);
      const id = await callHeldBy(holder, queue);

      // A refused transfer leaves the call with its holder.
      const refused = await as(holder.token)
        .post(`/api/calls/${id}/transfer`)
        .send({ toUserId: resting.id })
        .expect(409);
      expect(refused.body.error.code).toBe('STAFF_NOT_AVAILABLE');
      expect(await presence(holder)).toMatchObject({ state: 'busy', currentCallId: id });
      expect(await getCall(id)).toMatchObject({ status: 'answered', transfers: 0 });

      const offered = nextEvent<Offer>(colleague.socket, 'offer');
      const res = await as(holder.token)
        .post(`/api/calls/${id}/transfer`)
        .send({ toUserId: colleague.id })
        .expect(200);
      expect(res.body).toMatchObject({ status: 'offered', offer: { staffId: colleague.id } });
      const offer = await offered;
      expect(offer.item.id).toBe(id);
      await eventually(
        () => presence(holder),
        (p) => p.state === 'idle' && p.currentCallId === null,
      );
      await accept(colleague, offer);
      await eventually(
        () => presence(colleague),
        (p) => p.state === 'busy' && p.currentCallId === id,
      );
      // The first answerer stays credited with the call but is not put back on it.
      expect(await presence(holder)).toMatchObject({ state: 'idle', currentCallId: null });

      expect(await getCall(id)).toMatchObject({
        status: 'answered',
        transfers: 1,
        answeredByCode: holder.username,
        lastAgentCode: colleague.username,
      });
      expect(await eventTypes(id)).toEqual([
        'arrived',
        'queued',
        'offered',
        'answered',
        'transferred',
        'offered',
        'answered',
      ]);
      expect((await decisions(id)).at(-1)).toMatchObject({
        strategy: 'manual',
        trigger: 'manual-transfer',
        offeredTo: [colleague.id],
        reason: `manual assignment by ${holder.username}`,
      });

      // The call is no longer the first agent's to end; the colleague ends it.
      const notTheirs = await as(holder.token).post(`/api/calls/${id}/end`).expect(403);
      expect(notTheirs.body.error.code).toBe('FORBIDDEN');
      await as(colleague.token).post(`/api/calls/${id}/end`).expect(200);
      expect(await getCall(id)).toMatchObject({ status: 'ended', outcome: 'answered' });
    });

    it('to a queue: re-queued there and routed to a member, not back to the agent who transferred it', async () => {
      const holder = await online();
      const member = await online();
      const first = await queueWith([holder]);
      const second = await queueWith([holder, member]);
      const id = await callHeldBy(holder, first);

      const offered = nextEvent<Offer>(member.socket, 'offer');
      const res = await as(holder.token)
        .post(`/api/calls/${id}/transfer`)
        .send({ toQueue: second })
        .expect(200);
      expect(res.body).toMatchObject({ queueCode: second, offer: null });
      // The transfer's routing reaction may have offered it already by the time of the answer.
      expect(['transferred', 'offered']).toContain(res.body.status);
      const offer = await offered;
      expect(offer.item).toMatchObject({ id, queue: second });
      // Routed by the transfer's reaction or by the holder becoming idle, whichever came first.
      const routed = await eventually(
        async () => (await decisions(id)).find((d) => d.offeredTo.includes(member.id)),
        (d) => d !== undefined,
      );
      expect(routed).toMatchObject({ strategy: 'longest-idle', offeredTo: [member.id] });
      expect(routed?.candidates.rejected).toContainEqual({
        staffId: holder.id,
        reason: 'excluded',
      });
      await accept(member, offer);
      expect(await getCall(id)).toMatchObject({ status: 'answered', queueCode: second });
      expect(await presence(holder)).toMatchObject({ state: 'idle', currentCallId: null });
    });

    it('a receptionist moves a waiting call to another queue', async () => {
      const elsewhere = await online();
      const empty = await queueWith([]);
      const staffed = await queueWith([elsewhere]);
      const id = await registerCall(empty);
      const offered = nextEvent<Offer>(elsewhere.socket, 'offer');
      await as(receptionist.token)
        .post(`/api/calls/${id}/transfer`)
        .send({ toQueue: staffed })
        .expect(200);
      expect((await offered).item).toMatchObject({ id, queue: staffed });
    });
  });

  describe('hold for callback', () => {
    it('revokes the ringing offer, moves the call to the unfinished list with the note, and tells the console', async () => {
      const agent = await online();
      const queue = await queueWith([agent]);
      const feed = connectSocket(app.url, { token: receptionist.token });
      sockets.push(feed);
      const missed: { callId: string }[] = [];
      feed.on('call.missed', (p: { callId: string }) => missed.push(p));
      await connected(feed);

      const offered = nextEvent<Offer>(agent.socket, 'offer');
      const id = await registerCall(queue);
      await offered;
      const revoked = nextEvent<Revoked>(agent.socket, 'offer.revoked');
      const res = await as(receptionist.token)
        .post(`/api/calls/${id}/callback`)
        .send({ note: 'call back after 3 pm' })
        .expect(200);
      expect(res.body).toMatchObject({ id, status: 'missed', outcome: 'missed' });
      expect(await revoked).toMatchObject({ itemId: id, reason: 'callback' });
      await eventually(
        () => Promise.resolve(missed),
        (seen) => seen.some((p) => p.callId === id),
      );
      await eventually(
        () => presence(agent),
        (p) => p.state === 'idle',
      );

      const unfinished = await as(receptionist.token)
        .get(`/api/calls/unfinished?queue=${queue}`)
        .expect(200);
      expect(unfinished.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
      expect((await getCall(id)).note).toBe(
        `Callback requested (${receptionist.username}): call back after 3 pm`,
      );

      const twice = await as(receptionist.token).post(`/api/calls/${id}/callback`).expect(409);
      expect(twice.body.error.code).toBe('CALL_ALREADY_ENDED');
      const end = await as(receptionist.token).post(`/api/calls/${id}/end`).expect(409);
      expect(end.body.error.code).toBe('CALL_ALREADY_ENDED');
      await as(receptionist.token).post(`/api/calls/${id}/callback-done`).expect(200);
      const after = await as(receptionist.token)
        .get(`/api/calls/unfinished?queue=${queue}`)
        .expect(200);
      expect(after.body.total).toBe(0);
    });

    it('is refused for a call someone is on', async () => {
      const agent = await online();
      const queue = await queueWith([agent]);
      const id = await callHeldBy(agent, queue);
      const res = await as(receptionist.token).post(`/api/calls/${id}/callback`).expect(409);
      expect(res.body.error.code).toBe('CALL_NOT_WAITING');
      expect(await presence(agent)).toMatchObject({ state: 'busy', currentCallId: id });
    });
  });

  describe('bad input', () => {
    it('answers stable codes', async () => {
      const queue = await queueWith([]);
      const id = await registerCall(queue);
      const agent = await createUser(app, ['agent']);
      const cases: [string, unknown, number, string, string?][] = [
        [`/api/calls/${id}/transfer`, {}, 400, 'VALIDATION_FAILED', 'toUserId'],
        [
          `/api/calls/${id}/transfer`,
          { toUserId: agent.id, toQueue: queue },
          400,
          'VALIDATION_FAILED',
        ],
        [`/api/calls/${id}/transfer`, { toUserId: 'nobody' }, 400, 'VALIDATION_FAILED', 'toUserId'],
        [`/api/calls/${id}/transfer`, { toUserId: null }, 400, 'VALIDATION_FAILED', 'toUserId'],
        [
          `/api/calls/${id}/transfer`,
          { toQueue: 'Not A Code' },
          400,
          'VALIDATION_FAILED',
          'toQueue',
        ],
        [
          `/api/calls/${id}/transfer`,
          { toQueue: `none-${suffix()}` },
          400,
          'VALIDATION_FAILED',
          'toQueue',
        ],
        [
          `/api/calls/${id}/transfer`,
          { toUserId: MISSING_ID },
          400,
          'VALIDATION_FAILED',
          'toUserId',
        ],
        [`/api/calls/${id}/assign`, {}, 400, 'VALIDATION_FAILED', 'userId'],
        [`/api/calls/${id}/assign`, { userId: MISSING_ID }, 400, 'VALIDATION_FAILED', 'userId'],
        [`/api/calls/${id}/assign`, { userId: agent.id, extra: 1 }, 400, 'VALIDATION_FAILED'],
        [`/api/calls/${id}/callback`, { note: '' }, 400, 'VALIDATION_FAILED', 'note'],
        [`/api/calls/${id}/callback`, { note: 42 }, 400, 'VALIDATION_FAILED', 'note'],
        ['/api/calls/not-a-uuid/end', {}, 400, 'VALIDATION_FAILED'],
        [`/api/calls/${MISSING_ID}/end`, {}, 404, 'CALL_NOT_FOUND'],
        [`/api/calls/${MISSING_ID}/assign`, { userId: agent.id }, 404, 'CALL_NOT_FOUND'],
        [`/api/calls/${MISSING_ID}/transfer`, { toQueue: queue }, 404, 'CALL_NOT_FOUND'],
        [`/api/calls/${MISSING_ID}/callback`, {}, 404, 'CALL_NOT_FOUND'],
      ];
      const failures: string[] = [];
      for (const [path, body, status, code, field] of cases) {
        const res = await as(receptionist.token)
          .post(path)
          .send(body as object);
        const got = `${res.status} ${res.body.error?.code} ${res.body.error?.field ?? ''}`.trim();
        const want = `${status} ${code} ${field ?? res.body.error?.field ?? ''}`.trim();
        if (got !== want) failures.push(`${path} ${JSON.stringify(body)}: ${got}, want ${want}`);
      }
      expect(failures).toEqual([]);
      // Nothing above touched the call.
      expect(await getCall(id)).toMatchObject({ status: 'queued', transfers: 0 });
    });
  });
});
