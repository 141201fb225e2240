import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Socket } from 'socket.io-client';
import type { RequestDto } from '@/modules/requests/dto/request.dto';
import { WorkerModule } from '@workers/worker.module';
import { connected, connectSocket, startApp, TestApp } from '@test/support/test-app';
import { adminToken, createUser, TestUser } from '@test/support/users';
import { eventually, nextEvent } from '@test/support/wait';

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
interface RequestOffer {
  offerId: string;
  kind: 'request';
  item: { id: string; requestId: string; number: number; subject: string; queue: string };
  dossier: { client: { id: string } | null };
  expiresAt: string;
}
interface Revoked {
  offerId: string;
  itemId: string;
  reason: string;
}

const suffix = () => randomBytes(3).toString('hex');

interface Agent extends TestUser {
  socket: Socket;
}

/**
 * Requests offered through their queue's strategy: the same offer/accept/decline protocol as
 * calls, with the request's own timeout and the open-requests capacity (MAX_OPEN_REQUESTS = 1
 * here, so a person holding one request is never offered a second).
 */
describe('request routing (e2e)', () => {
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
    if (available) await setStatus(socket, 'available');
    return { ...user, socket };
  }

  async function setStatus(socket: Socket, status: string): Promise<void> {
    const res = (await socket
      .timeout(5000)
      .emitWithAck('staff.status', { status })) as Ack<unknown>;
    expect(res.ok).toBe(true);
  }

  async function queueWith(members: TestUser[], strategy = 'longest-idle'): Promise<string> {
    const code = `rq-${suffix()}`;
    const queue = await app.http
      .post('/api/queues')
      .set(auth(admin))
      .send({ code, name: `Queue ${code}`, strategy })
      .expect(201);
    for (const m of members) {
      await app.http
        .put(`/api/queues/${queue.body.id}/members/${m.id}`)
        .set(auth(admin))
        .send({ skillLevel: 5 })
        .expect(200);
    }
    return code;
  }

  async function registerRequest(queue: string, extra: Record<string, unknown> = {}) {
    const res = await app.http
      .post('/api/requests')
      .set(auth(receptionist.token))
      .send({ channel: 'email', subject: `Routed ${suffix()}`, queue, ...extra })
      .expect(201);
    return res.body as RequestDto;
  }

  const answer = async (agent: Agent, verb: 'accept' | 'decline', offerId: string) =>
    (await agent.socket.timeout(5000).emitWithAck(`offer.${verb}`, { offerId })) as Ack<{
      offerId: string;
      itemId: string;
    }>;

  const requestOf = async (id: string) =>
    (await app.http.get(`/api/requests/${id}`).set(auth(receptionist.token)).expect(200))
      .body as RequestDto;

  beforeAll(async () => {
    app = await startApp({
      OFFER_TIMEOUT_REQUEST_SECONDS: '2',
      MAX_OPEN_REQUESTS: '1',
      DECLINE_COOLDOWN_SECONDS: '0',
    });
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
    admin = await adminToken(app);
    receptionist = await createUser(app, ['receptionist']);
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));
  afterAll(async () => {
    await worker.close();
    await app.close();
  });

  it('offers a new request to an available member; accepting assigns its current stage', async () => {
    const agent = await agentOnline();
    const queue = await queueWith([agent]);
    const offered = nextEvent<RequestOffer>(agent.socket, 'offer');
    const changed = nextEvent<{ change: string; assigneeId: string }>(
      agent.socket,
      'request.changed',
    );
    const request = await registerRequest(queue, { priority: 4 });
    const offer = await offered;
    expect(offer).toMatchObject({
      kind: 'request',
      item: {
        id: request.id,
        requestId: request.id,
        number: request.number,
        subject: request.subject,
        queue,
      },
    });
    const accepted = await answer(agent, 'accept', offer.offerId);
    expect(accepted).toEqual({ ok: true, data: { offerId: offer.offerId, itemId: request.id } });
    expect(await changed).toMatchObject({ change: 'assigned', assigneeId: agent.id });
    const after = await requestOf(request.id);
    expect(after).toMatchObject({ assigneeId: agent.id, status: 'open' });
    // The person is not held back from calls by a request: state stays idle.
    const me = await app.http.get('/api/me/status').set(auth(agent.token)).expect(200);
    expect(me.body).toMatchObject({ status: 'available', state: 'idle' });
    const decisions = await app.http
      .get(`/api/requests/${request.id}/routing`)
      .set(auth(receptionist.token))
      .expect(200);
    expect(decisions.body[0]).toMatchObject({
      strategy: 'longest-idle',
      trigger: 'request.created',
      offeredTo: [agent.id],
    });
    const again = await answer(agent, 'accept', offer.offerId);
    expect(again).toMatchObject({ ok: false, error: { code: 'OFFER_EXPIRED' } });
  });

  it('a decline moves the request to the next member; an offer that is not yours is NOT_FOUND', async () => {
    const first = await agentOnline();
    const second = await agentOnline();
    const queue = await queueWith([first, second]);
    const offers = [
      nextEvent<RequestOffer>(first.socket, 'offer'),
      nextEvent<RequestOffer>(second.socket, 'offer'),
    ];
    const request = await registerRequest(queue);
    const firstOffer = await Promise.race(offers.map((p, i) => p.then((o) => ({ o, i }))));
    const holder = firstOffer.i === 0 ? first : second;
    const other = firstOffer.i === 0 ? second : first;
    expect(await answer(other, 'accept', firstOffer.o.offerId)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect((await answer(holder, 'decline', firstOffer.o.offerId)).ok).toBe(true);
    const next = await offers[firstOffer.i === 0 ? 1 : 0];
    expect(next.item.id).toBe(request.id);
    expect((await answer(other, 'accept', next.offerId)).ok).toBe(true);
    expect((await requestOf(request.id)).assigneeId).toBe(other.id);
  });

  it('no answer within the request timeout passes the offer on (durable job)', async () => {
    const sleepy = await agentOnline();
    const awake = await agentOnline(false);
    const queue = await queueWith([sleepy, awake]);
    const firstOffer = nextEvent<RequestOffer>(sleepy.socket, 'offer');
    const request = await registerRequest(queue);
    const offer = await firstOffer;
    await setStatus(awake.socket, 'available');
    const revoked = nextEvent<Revoked>(sleepy.socket, 'offer.revoked', 10_000);
    const nextOffer = nextEvent<RequestOffer>(awake.socket, 'offer', 10_000);
    expect(await revoked).toMatchObject({ offerId: offer.offerId, reason: 'expired' });
    expect((await nextOffer).item.id).toBe(request.id);
    expect(await answer(sleepy, 'accept', offer.offerId)).toMatchObject({
      ok: false,
      error: { code: 'OFFER_EXPIRED' },
    });
  });

  it('a request nobody can take waits, and is offered when someone becomes available', async () => {
    const late = await agentOnline(false);
    const queue = await queueWith([late]);
    const request = await registerRequest(queue);
    const decisions = await eventually(
      async () =>
        (
          await app.http
            .get(`/api/requests/${request.id}/routing`)
            .set(auth(receptionist.token))
            .expect(200)
        ).body as { offeredTo: string[]; candidates: { rejected: { reason: string }[] } }[],
      (d) => d.length > 0,
    );
    expect(decisions[0].offeredTo).toEqual([]);
    expect(decisions[0].candidates.rejected).toEqual([
      { staffId: late.id, reason: 'not_available' },
    ]);
    const offered = nextEvent<RequestOffer>(late.socket, 'offer');
    await setStatus(late.socket, 'available');
    expect((await offered).item.id).toBe(request.id);
  });

  it('keeps a person within MAX_OPEN_REQUESTS and offers them the next request once one is done', async () => {
    const agent = await agentOnline();
    const queue = await queueWith([agent]);
    const firstOffer = nextEvent<RequestOffer>(agent.socket, 'offer');
    const first = await registerRequest(queue);
    expect((await answer(agent, 'accept', (await firstOffer).offerId)).ok).toBe(true);

    const second = await registerRequest(queue);
    const waiting = await eventually(
      async () =>
        (
          await app.http
            .get(`/api/requests/${second.id}/routing`)
            .set(auth(receptionist.token))
            .expect(200)
        ).body as { offeredTo: string[]; candidates: { rejected: { reason: string }[] } }[],
      (d) => d.length > 0,
    );
    expect(waiting[0].candidates.rejected).toEqual([
      { staffId: agent.id, reason: 'over_capacity' },
    ]);

    const nextOffer = nextEvent<RequestOffer>(agent.socket, 'offer');
    for (let i = 0; i < 3; i++) {
      await app.http
        .post(`/api/requests/${first.id}/advance`)
        .set(auth(agent.token))
        .send({})
        .expect(200);
    }
    expect((await requestOf(first.id)).status).toBe('done');
    expect((await nextOffer).item.id).toBe(second.id);
  });

  it('assigning by hand takes back a pending offer; accepting it then is OFFER_EXPIRED', async () => {
    const agent = await agentOnline();
    const colleague = await createUser(app, ['agent']);
    const queue = await queueWith([agent]);
    const offered = nextEvent<RequestOffer>(agent.socket, 'offer');
    const request = await registerRequest(queue);
    const offer = await offered;
    const revoked = nextEvent<Revoked>(agent.socket, 'offer.revoked');
    await app.http
      .patch(`/api/requests/${request.id}/stage`)
      .set(auth(receptionist.token))
      .send({ assigneeId: colleague.id })
      .expect(200);
    expect(await revoked).toMatchObject({ offerId: offer.offerId, reason: 'reassigned' });
    expect(await answer(agent, 'accept', offer.offerId)).toMatchObject({
      ok: false,
      error: { code: 'OFFER_EXPIRED' },
    });
    expect((await requestOf(request.id)).assigneeId).toBe(colleague.id);
  });

  it('a pending request offer does not keep a call from the same person', async () => {
    const agent = await agentOnline();
    const queue = await queueWith([agent]);
    const requestOffer = nextEvent<RequestOffer>(agent.socket, 'offer');
    await registerRequest(queue);
    await requestOffer;
    const line = `l-${suffix()}`;
    await app.http
      .post('/api/lines')
      .set(auth(admin))
      .send({ code: line, name: 'Line', channels: 10 })
      .expect(201);
    const callOffer = nextEvent<{ kind: string; item: { id: string } }>(agent.socket, 'offer');
    const call = await app.http
      .post('/api/calls')
      .set(auth(receptionist.token))
      .send({ from: '+12025550111', line, queue })
      .expect(201);
    expect(await callOffer).toMatchObject({ kind: 'call', item: { id: call.body.id } });
  });
});
