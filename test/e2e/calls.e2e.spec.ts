import type { Socket } from 'socket.io-client';
import type { CallSummary } from '@/modules/calls/calls.events';
import type { CallDto } from '@/modules/calls/dto/call.dto';
import type { ClientDto } from '@/modules/directory/dto/client.dto';
import type { ContactDto } from '@/modules/directory/dto/contact.dto';
import type { LineDto } from '@/modules/directory/dto/line.dto';
import type { QueueDto } from '@/modules/directory/dto/queue.dto';
import {
  createClient,
  createContact,
  createLine,
  createQueue,
  randomUsPhone,
  TestPhone,
  uniqueSuffix,
} from '@test/factories/directory.factory';
import { connected, connectSocket, startApp, TestApp } from '@test/support/test-app';
import { adminToken, createApiKey, createUser, TestUser } from '@test/support/users';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

async function eventually<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('calls (e2e)', () => {
  let app: TestApp;
  let admin: string;
  let key: string;
  let receptionist: TestUser;
  let supervisor: TestUser;
  let agent: TestUser;
  let curator: TestUser;
  let line: LineDto;
  let queue: QueueDto;
  let client: ClientDto;
  let contact: ContactDto;
  let clientPhone: TestPhone;
  let contactPhone: TestPhone;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    app = await startApp();
    admin = await adminToken(app);
    key = await createApiKey(app);
    [receptionist, supervisor, agent, curator] = await Promise.all([
      createUser(app, ['receptionist']),
      createUser(app, ['supervisor']),
      createUser(app, ['agent']),
      createUser(app, ['agent']),
    ]);
    line = await createLine(app, admin, { number: '+12015550100' });
    queue = await createQueue(app, admin);
    clientPhone = randomUsPhone();
    contactPhone = randomUsPhone();
    client = await createClient(app, admin, {
      phones: [clientPhone.e164],
      curatorId: curator.id,
      kind: 'partner',
    });
    contact = await createContact(app, admin, client.id, {
      phones: [contactPhone.e164],
      position: 'Chief accountant',
    });
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));
  afterAll(async () => {
    // The server handles a disconnect asynchronously (presence bookkeeping in Redis); closing the
    // app in the middle of that fails the suite with ioredis' "Connection is closed".
    await new Promise((r) => setTimeout(r, 300));
    await app.close();
  });

  const as = (token: string) => ({
    get: (path: string) => app.http.get(path).set('authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) =>
      app.http.post(path).set('authorization', `Bearer ${token}`).send(body),
  });
  const register = async (body: Record<string, unknown>): Promise<CallDto> =>
    (await as(receptionist.token).post('/api/calls', body).expect(201)).body as CallDto;
  const telephony = (events: object[]) =>
    app.http.post('/api/telephony/events').set('x-api-key', key).send(events).expect(200);

  describe('manual registration', () => {
    it('registers a call, matches the caller and returns the dossier', async () => {
      const first = await register({
        from: contactPhone.national,
        line: line.code,
        queue: queue.code,
        topic: 'Invoice question',
        note: 'asked for Anna',
        priority: 3,
      });
      expect(first).toMatchObject({
        externalId: expect.stringMatching(/^manual:[0-9a-f-]{36}$/),
        source: 'manual',
        status: 'queued',
        outcome: 'in_progress',
        fromNumber: contactPhone.e164,
        toNumber: '+12015550100',
        lineCode: line.code,
        lineId: line.id,
        queueCode: queue.code,
        queueId: queue.id,
        clientId: client.id,
        contactId: contact.id,
        topic: 'Invoice question',
        note: 'asked for Anna',
        priority: 3,
        eventCount: 2,
      });
      expect(first.queuedAt).toBe(first.arrivedAt);
      expect(first.dossier).toEqual({
        client: { id: client.id, name: client.name, kind: 'partner' },
        contact: { id: contact.id, name: contact.name, position: 'Chief accountant' },
        curator: { id: curator.id, displayName: curator.username },
        lastContacts: [],
        openRequests: [],
      });

      // The second call carries the first in its last contacts; the client's own number
      // matches the client without a contact person.
      const second = await register({ from: clientPhone.spaced, line: line.code });
      expect(second).toMatchObject({ status: 'arrived', clientId: client.id, contactId: null });
      expect(second.dossier).toMatchObject({
        client: { id: client.id },
        contact: null,
        curator: { id: curator.id },
        lastContacts: [
          { id: first.id, arrivedAt: first.arrivedAt, status: 'queued', outcome: 'in_progress' },
        ],
      });
      const fetched = await as(supervisor.token).get(`/api/calls/${second.id}`).expect(200);
      expect(fetched.body).toEqual(second);
    });

    it('keeps a client chosen by hand over the number match', async () => {
      const other = await createClient(app, admin);
      const call = await register({ from: contactPhone.e164, line: line.code, clientId: other.id });
      expect(call).toMatchObject({ clientId: other.id, contactId: null });
      expect(call.dossier).toMatchObject({
        client: { id: other.id },
        contact: null,
        curator: null,
      });
    });

    it('registers an unknown caller with an empty dossier', async () => {
      const call = await register({ from: randomUsPhone().digits, line: line.code });
      expect(call.clientId).toBeNull();
      expect(call.dossier).toEqual({
        client: null,
        contact: null,
        curator: null,
        lastContacts: [],
        openRequests: [],
      });
    });

    it('refuses bad input with stable codes', async () => {
      const post = (body: object) => as(receptionist.token).post('/api/calls', body);
      const badPhone = await post({ from: 'call me', line: line.code }).expect(400);
      expect(badPhone.body.error).toMatchObject({ code: 'INVALID_PHONE_NUMBER', field: 'from' });
      const noLine = await post({ from: clientPhone.e164, line: 'no-such-line' }).expect(400);
      expect(noLine.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'line' });
      const noQueue = await post({ from: clientPhone.e164, line: line.code, queue: 'nope' }).expect(
        400,
      );
      expect(noQueue.body.error).toMatchObject({ field: 'queue' });
      const noClient = await post({
        from: clientPhone.e164,
        line: line.code,
        clientId: MISSING_ID,
      }).expect(400);
      expect(noClient.body.error).toMatchObject({ field: 'clientId' });
      const priority = await post({ from: clientPhone.e164, line: line.code, priority: 10 }).expect(
        400,
      );
      expect(priority.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'priority' });
      const extra = await post({ from: clientPhone.e164, line: line.code, agent: 'x' }).expect(400);
      expect(extra.body.error.code).toBe('VALIDATION_FAILED');
      await as(agent.token)
        .post('/api/calls', { from: clientPhone.e164, line: line.code })
        .expect(403);
    });
  });

  describe('reading calls', () => {
    it('lists calls with filters, newest first', async () => {
      const own = await createLine(app, admin);
      const ownQueue = await createQueue(app, admin);
      const a = await register({ from: clientPhone.e164, line: own.code });
      const b = await register({
        from: randomUsPhone().e164,
        line: own.code,
        queue: ownQueue.code,
      });
      const list = async (query: string) =>
        (await as(receptionist.token).get(`/api/calls?${query}`).expect(200)).body as {
          items: CallDto[];
          total: number;
        };

      const byLine = await list(`line=${own.code}`);
      expect(byLine.items.map((c) => c.id)).toEqual([b.id, a.id]);
      expect(byLine.total).toBe(2);
      expect((await list(`line=${own.code}&status=queued`)).items.map((c) => c.id)).toEqual([b.id]);
      expect((await list(`queue=${ownQueue.code}`)).items.map((c) => c.id)).toEqual([b.id]);
      expect((await list(`line=${own.code}&clientId=${client.id}`)).items.map((c) => c.id)).toEqual(
        [a.id],
      );
      expect(
        (await list(`line=${own.code}&outcome=in_progress&limit=1&offset=1`)).items.map(
          (c) => c.id,
        ),
      ).toEqual([a.id]);
      const after = encodeURIComponent(new Date(Date.parse(a.arrivedAt) + 1).toISOString());
      expect((await list(`line=${own.code}&from=${after}`)).items.map((c) => c.id)).toEqual(
        Date.parse(b.arrivedAt) > Date.parse(a.arrivedAt) ? [b.id] : [],
      );
      expect((await list(`line=${own.code}&to=${after}`)).items.map((c) => c.id)).toEqual([a.id]);
      // The telephony id finds its call however many calls came after it.
      const byExternal = await list(`externalId=${encodeURIComponent(a.externalId)}&limit=1`);
      expect(byExternal.items.map((c) => c.id)).toEqual([a.id]);
      expect(byExternal.total).toBe(1);
      expect((await list('externalId=web-nobody-has-this')).items).toEqual([]);

      await as(receptionist.token).get('/api/calls?status=ringing').expect(400);
      await as(agent.token).get('/api/calls').expect(403);
    });

    it('returns the event log in time order', async () => {
      const call = await register({ from: clientPhone.e164, line: line.code, queue: queue.code });
      const res = await as(receptionist.token).get(`/api/calls/${call.id}/events`).expect(200);
      expect(res.body).toEqual([
        expect.objectContaining({ type: 'arrived', source: 'manual', queue: queue.code }),
        expect.objectContaining({ type: 'queued', source: 'manual', queue: queue.code }),
      ]);
      expect((res.body as { at: string }[])[0].at).toBe(call.arrivedAt);
    });

    it('answers CALL_NOT_FOUND for an unknown call and 403 to an agent who did not answer it', async () => {
      const missing = await as(admin).get(`/api/calls/${MISSING_ID}`).expect(404);
      expect(missing.body.error.code).toBe('CALL_NOT_FOUND');
      const call = await register({ from: clientPhone.e164, line: line.code });
      await as(agent.token).get(`/api/calls/${call.id}`).expect(403);
      await as(agent.token).get(`/api/calls/${call.id}/events`).expect(403);
    });
  });

  describe('contact history and unfinished contacts', () => {
    it("lists a client's calls newest first with their events count and outcome", async () => {
      const own = await createClient(app, admin, { phones: [randomUsPhone().e164] });
      const phone = own.phones[0];
      const callId = `hist-${uniqueSuffix()}`;
      await telephony([
        {
          id: `${callId}-1`,
          callId,
          type: 'arrived',
          at: '2026-01-05T09:00:00Z',
          line: line.code,
          from: phone,
        },
        {
          id: `${callId}-2`,
          callId,
          type: 'answered',
          at: '2026-01-05T09:00:10Z',
          line: line.code,
          from: phone,
          agent: agent.username,
        },
        {
          id: `${callId}-3`,
          callId,
          type: 'ended',
          at: '2026-01-05T09:05:00Z',
          line: line.code,
          from: phone,
        },
      ]);
      const manual = await register({ from: phone, line: line.code, topic: 'follow-up' });

      const res = await as(agent.token).get(`/api/clients/${own.id}/history?limit=10`).expect(200);
      expect(res.body).toMatchObject({ total: 2, limit: 10, offset: 0 });
      expect(res.body.items).toEqual([
        expect.objectContaining({
          kind: 'call',
          id: manual.id,
          eventCount: 1,
          outcome: 'in_progress',
          topic: 'follow-up',
        }),
        expect.objectContaining({
          kind: 'call',
          at: '2026-01-05T09:00:00.000Z',
          status: 'ended',
          outcome: 'answered',
          eventCount: 3,
          answeredBy: { id: agent.id, displayName: agent.username },
        }),
      ]);
      const paged = await as(agent.token)
        .get(`/api/clients/${own.id}/history?limit=1&offset=1`)
        .expect(200);
      expect(paged.body.items.map((i: { id: string }) => i.id)).toEqual([res.body.items[1].id]);

      // The answering agent may now open that call.
      await as(agent.token)
        .get(`/api/calls/${res.body.items[1].id as string}`)
        .expect(200);

      const missing = await as(admin).get(`/api/clients/${MISSING_ID}/history`).expect(404);
      expect(missing.body.error.code).toBe('NOT_FOUND');
    });

    it('lists missed and abandoned calls until someone marks the callback done', async () => {
      const own = await createLine(app, admin);
      const at = (s: number) => new Date(Date.now() - 120_000 + s * 1000).toISOString();
      const ids = ['abandoned', 'answered', 'blocked'].map((k) => `${k}-${uniqueSuffix()}`);
      const [abandoned, answered, blocked] = ids;
      await telephony([
        {
          id: `${abandoned}-1`,
          callId: abandoned,
          type: 'arrived',
          at: at(0),
          line: own.code,
          from: clientPhone.e164,
        },
        {
          id: `${abandoned}-2`,
          callId: abandoned,
          type: 'ended',
          at: at(20),
          line: own.code,
          from: '',
        },
        {
          id: `${answered}-1`,
          callId: answered,
          type: 'arrived',
          at: at(1),
          line: own.code,
          from: '+12015550199',
        },
        {
          id: `${answered}-2`,
          callId: answered,
          type: 'answered',
          at: at(5),
          line: own.code,
          from: '',
        },
        {
          id: `${blocked}-1`,
          callId: blocked,
          type: 'blocked',
          at: at(2),
          line: own.code,
          from: '+12015550198',
        },
      ]);
      const unfinished = async () =>
        (await as(supervisor.token).get(`/api/calls/unfinished?line=${own.code}`).expect(200))
          .body as { items: CallDto[]; total: number };
      const before = await unfinished();
      expect(before.items.map((c) => [c.externalId, c.outcome])).toEqual([
        [abandoned, 'abandoned'],
      ]);
      const id = before.items[0].id;
      expect(before.items[0].clientId).toBe(client.id);
      // A receptionist finds one caller in a long list by a few of the number's digits.
      const byDigits = async (caller: string) =>
        (
          (
            await as(receptionist.token)
              .get(`/api/calls/unfinished?line=${own.code}&caller=${encodeURIComponent(caller)}`)
              .expect(200)
          ).body as { items: CallDto[] }
        ).items.map((c) => c.id);
      expect(await byDigits(clientPhone.e164.slice(-6))).toEqual([id]);
      expect(await byDigits(clientPhone.e164)).toEqual([id]);
      expect(await byDigits('0000000000000')).toEqual([]);
      const bad = await as(receptionist.token)
        .get('/api/calls/unfinished?caller=12%25')
        .expect(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');

      const done = await as(curator.token).post(`/api/calls/${id}/callback-done`).expect(200);
      expect(done.body.calledBackAt).toEqual(expect.any(String));
      expect((await unfinished()).total).toBe(0);
      // Marking twice keeps the first time.
      const again = await as(receptionist.token).post(`/api/calls/${id}/callback-done`).expect(200);
      expect(again.body.calledBackAt).toBe(done.body.calledBackAt);

      const answeredId = (
        await as(admin).get(`/api/calls?line=${own.code}&outcome=answered`).expect(200)
      ).body.items[0].id as string;
      const refused = await as(admin).post(`/api/calls/${answeredId}/callback-done`).expect(409);
      expect(refused.body.error.code).toBe('CALL_NOT_UNFINISHED');
      const missing = await as(admin).post(`/api/calls/${MISSING_ID}/callback-done`).expect(404);
      expect(missing.body.error.code).toBe('CALL_NOT_FOUND');
      await as(agent.token).get('/api/calls/unfinished').expect(403);
    });
  });

  describe('live console feed', () => {
    it('pushes call.arrived to receptionists for a live call, and nothing for history', async () => {
      const socket = connectSocket(app.url, { token: receptionist.token });
      sockets.push(socket);
      await connected(socket);
      const seen: { event: string; payload: CallSummary }[] = [];
      socket.onAny((event: string, payload: CallSummary) => seen.push({ event, payload }));

      const oldCall = `old-${uniqueSuffix()}`;
      await telephony([
        {
          id: `${oldCall}-1`,
          callId: oldCall,
          type: 'arrived',
          at: '2025-06-01T10:00:00Z',
          line: line.code,
          from: '+12015550123',
        },
      ]);
      const call = await register({ from: contactPhone.e164, line: line.code });
      const payload = await eventually(
        () => seen.find((s) => s.event === 'call.arrived' && s.payload.callId === call.id)?.payload,
      );
      expect(payload).toEqual({
        callId: call.id,
        externalId: call.externalId,
        status: 'arrived',
        outcome: 'in_progress',
        queueCode: null,
        lineCode: line.code,
        from: contactPhone.e164,
        at: call.lastEventAt,
        arrivedAt: call.arrivedAt,
        clientId: client.id,
        answeredById: null,
        currentAgentId: null,
        priority: 0,
      });
      // Sent in order by one process: the history import before it was never pushed.
      expect(seen.some((s) => s.payload?.externalId === oldCall)).toBe(false);
    });
  });
});
