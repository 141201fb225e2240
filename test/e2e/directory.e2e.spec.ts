import type { ClientDto } from '@/modules/directory/dto/client.dto';
import type { ContactDto } from '@/modules/directory/dto/contact.dto';
import type { LineDto } from '@/modules/directory/dto/line.dto';
import type { QueueDto, QueueMemberDto } from '@/modules/directory/dto/queue.dto';
import {
  createClient,
  createContact,
  createLine,
  createQueue,
  randomUsPhone,
  uniqueCode,
  uniqueSuffix,
} from '@test/factories/directory.factory';
import { startApp, TestApp } from '@test/support/test-app';
import { adminToken, createUser, TestUser } from '@test/support/users';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('directory (e2e)', () => {
  let app: TestApp;
  let admin: string;
  let receptionist: TestUser;
  let supervisor: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    app = await startApp();
    admin = await adminToken(app);
    [receptionist, supervisor, agent] = await Promise.all([
      createUser(app, ['receptionist']),
      createUser(app, ['supervisor']),
      createUser(app, ['agent']),
    ]);
  });
  afterAll(() => app.close());

  const get = (path: string, token = admin) =>
    app.http.get(path).set('authorization', `Bearer ${token}`);
  const post = (path: string, body: object, token = admin) =>
    app.http.post(path).set('authorization', `Bearer ${token}`).send(body);
  const patch = (path: string, body: object, token = admin) =>
    app.http.patch(path).set('authorization', `Bearer ${token}`).send(body);
  const put = (path: string, body: object, token = admin) =>
    app.http.put(path).set('authorization', `Bearer ${token}`).send(body);
  const del = (path: string, token = admin) =>
    app.http.delete(path).set('authorization', `Bearer ${token}`);

  describe('clients', () => {
    it('a receptionist creates a client; phones are stored as E.164 without duplicates', async () => {
      const phone = randomUsPhone();
      const res = await post(
        '/api/clients',
        {
          name: `Northwind ${uniqueSuffix()}`,
          kind: 'partner',
          phones: [phone.national, phone.spaced, '+49 30 12345678'],
          emails: ['office@northwind.example', 'office@northwind.example'],
          curatorId: agent.id,
          note: 'pays late',
        },
        receptionist.token,
      ).expect(201);
      const client = res.body as ClientDto;
      expect(client).toMatchObject({
        kind: 'partner',
        phones: [phone.e164, '+493012345678'],
        emails: ['office@northwind.example'],
        curator: { id: agent.id, displayName: agent.username },
        note: 'pays late',
      });
      expect(new Date(client.createdAt).toISOString()).toBe(client.createdAt);

      const fetched = await get(`/api/clients/${client.id}`, agent.token).expect(200);
      expect(fetched.body).toEqual(client);
    });

    it('defaults kind to client and curator to none', async () => {
      const client = await createClient(app, admin);
      expect(client).toMatchObject({ kind: 'client', phones: [], emails: [], curator: null });
      expect(client.note).toBeNull();
    });

    it('filters by name (with % and _ taken literally), kind, curator and phone, and paginates', async () => {
      const tag = uniqueSuffix();
      const phone = randomUsPhone();
      const a = await createClient(app, admin, { name: `${tag} 50%_off A`, kind: 'dealer' });
      const b = await createClient(app, admin, {
        name: `${tag} 50xyoff B`,
        curatorId: supervisor.id,
        phones: [phone.e164],
      });
      const c = await createClient(app, admin, { name: `${tag} C`, kind: 'dealer' });

      const byName = await get(`/api/clients?q=${tag}`).expect(200);
      expect(byName.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
      expect((byName.body.items as ClientDto[]).map((x) => x.id)).toEqual([a.id, b.id, c.id]);

      const literal = await get(`/api/clients?q=${encodeURIComponent(`${tag} 50%_`)}`).expect(200);
      expect((literal.body.items as ClientDto[]).map((x) => x.id)).toEqual([a.id]);

      const caseInsensitive = await get(`/api/clients?q=${tag}%20c`).expect(200);
      expect((caseInsensitive.body.items as ClientDto[]).map((x) => x.id)).toEqual([c.id]);

      const dealers = await get(`/api/clients?q=${tag}&kind=dealer`).expect(200);
      expect((dealers.body.items as ClientDto[]).map((x) => x.id)).toEqual([a.id, c.id]);

      const curated = await get(`/api/clients?curatorId=${supervisor.id}&q=${tag}`).expect(200);
      expect((curated.body.items as ClientDto[]).map((x) => x.id)).toEqual([b.id]);

      const byPhone = await get(`/api/clients?phone=${encodeURIComponent(phone.national)}`).expect(
        200,
      );
      expect(byPhone.body).toMatchObject({ total: 1, items: [{ id: b.id }] });

      const first = await get(`/api/clients?q=${tag}&limit=2&offset=0`).expect(200);
      const rest = await get(`/api/clients?q=${tag}&limit=2&offset=2`).expect(200);
      expect(first.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
      expect((first.body.items as ClientDto[]).map((x) => x.id)).toEqual([a.id, b.id]);
      expect(rest.body).toMatchObject({ total: 3, limit: 2, offset: 2 });
      expect((rest.body.items as ClientDto[]).map((x) => x.id)).toEqual([c.id]);
    });

    it('refuses bad filters naming the parameter', async () => {
      const phone = await get('/api/clients?phone=12').expect(400);
      expect(phone.body.error).toMatchObject({ code: 'INVALID_PHONE_NUMBER', field: 'phone' });
      const kind = await get('/api/clients?kind=friend').expect(400);
      expect(kind.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'kind' });
      const unknown = await get('/api/clients?sort=name').expect(400);
      expect(unknown.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'sort' });
      const limit = await get('/api/clients?limit=1000').expect(400);
      expect(limit.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });
    });

    it('updates fields, clears the curator and the note, and keeps the rest', async () => {
      const phone = randomUsPhone();
      const client = await createClient(app, admin, { curatorId: agent.id, note: 'n' });
      const res = await patch(
        `/api/clients/${client.id}`,
        { name: `Renamed ${uniqueSuffix()}`, phones: [phone.digits], curatorId: null, note: null },
        supervisor.token,
      ).expect(200);
      expect(res.body).toMatchObject({
        id: client.id,
        kind: 'client',
        phones: [phone.e164],
        curator: null,
        note: null,
      });
      const recurated = await patch(`/api/clients/${client.id}`, {
        curatorId: supervisor.id,
      }).expect(200);
      expect(recurated.body.curator).toEqual({
        id: supervisor.id,
        displayName: supervisor.username,
      });
      expect(recurated.body.phones).toEqual([phone.e164]);
    });

    it('refuses an unknown curator with field curatorId, on create and on update', async () => {
      const name = `Curated ${uniqueSuffix()}`;
      const created = await post('/api/clients', { name, curatorId: MISSING_ID }).expect(400);
      expect(created.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'curatorId' });
      const none = await get(`/api/clients?q=${encodeURIComponent(name)}`).expect(200);
      expect(none.body.total).toBe(0);

      const client = await createClient(app, admin);
      const updated = await patch(`/api/clients/${client.id}`, { curatorId: MISSING_ID }).expect(
        400,
      );
      expect(updated.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'curatorId' });
    });

    it('refuses bad input with 400 naming the field, and writes nothing', async () => {
      const name = `Bad ${uniqueSuffix()}`;
      const badPhone = await post('/api/clients', {
        name,
        phones: [randomUsPhone().e164, '555-0100'],
      }).expect(400);
      expect(badPhone.body.error).toMatchObject({ code: 'INVALID_PHONE_NUMBER', field: 'phones' });
      const extension = await post('/api/clients', {
        name,
        phones: [`${randomUsPhone().spaced} ext. 12`],
      }).expect(400);
      expect(extension.body.error).toMatchObject({ code: 'INVALID_PHONE_NUMBER', field: 'phones' });
      const unknown = await post('/api/clients', { name, vip: true }).expect(400);
      expect(unknown.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'vip' });
      const wrongType = await post('/api/clients', { name, phones: '2015550123' }).expect(400);
      expect(wrongType.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'phones' });
      const email = await post('/api/clients', { name, emails: ['not-an-email'] }).expect(400);
      expect(email.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'emails' });
      const noName = await post('/api/clients', { kind: 'client' }).expect(400);
      expect(noName.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });

      const none = await get(`/api/clients?q=${encodeURIComponent(name)}`).expect(200);
      expect(none.body.total).toBe(0);

      const client = await createClient(app, admin);
      const nullName = await patch(`/api/clients/${client.id}`, { name: null }).expect(400);
      expect(nullName.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });
      const badUpdate = await patch(`/api/clients/${client.id}`, {
        name: 'Not saved',
        phones: ['nope'],
      }).expect(400);
      expect(badUpdate.body.error).toMatchObject({ code: 'INVALID_PHONE_NUMBER', field: 'phones' });
      const unchanged = await get(`/api/clients/${client.id}`).expect(200);
      expect(unchanged.body.name).toBe(client.name);
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      const missing = await get(`/api/clients/${MISSING_ID}`).expect(404);
      expect(missing.body.error.code).toBe('NOT_FOUND');
      await patch(`/api/clients/${MISSING_ID}`, { name: 'x' }).expect(404);
      await del(`/api/clients/${MISSING_ID}`).expect(404);
      const malformed = await get('/api/clients/not-a-uuid').expect(400);
      expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
    });

    it('deletes a client together with its contact persons', async () => {
      const client = await createClient(app, receptionist.token);
      const contact = await createContact(app, receptionist.token, client.id);
      await del(`/api/clients/${client.id}`, receptionist.token).expect(204);
      await get(`/api/clients/${client.id}`).expect(404);
      await get(`/api/contacts/${contact.id}`).expect(404);
      await del(`/api/clients/${client.id}`).expect(404);
    });

    it('lets agents read but not write; asks for a token', async () => {
      const client = await createClient(app, admin);
      await get('/api/clients', agent.token).expect(200);
      const refused = await post('/api/clients', { name: 'By agent' }, agent.token).expect(403);
      expect(refused.body.error.code).toBe('FORBIDDEN');
      await patch(`/api/clients/${client.id}`, { name: 'x' }, agent.token).expect(403);
      await del(`/api/clients/${client.id}`, agent.token).expect(403);
      await app.http.get('/api/clients').expect(401);
    });
  });

  describe('contact persons', () => {
    it('creates, lists by priority then name, paginates, updates and deletes', async () => {
      const client = await createClient(app, admin);
      const phone = randomUsPhone();
      const low = await createContact(app, receptionist.token, client.id, {
        name: 'Zed',
        priority: -1,
      });
      const created = await post(
        `/api/clients/${client.id}/contacts`,
        {
          name: 'Bea',
          position: 'Accountant',
          phones: [phone.national],
          emails: ['bea@example.com'],
          priority: 10,
        },
        receptionist.token,
      ).expect(201);
      const bea = created.body as ContactDto;
      expect(bea).toMatchObject({
        clientId: client.id,
        name: 'Bea',
        position: 'Accountant',
        phones: [phone.e164],
        emails: ['bea@example.com'],
        priority: 10,
      });
      const amy = await createContact(app, admin, client.id, { name: 'Amy', priority: 10 });

      const list = await get(`/api/clients/${client.id}/contacts`, agent.token).expect(200);
      expect(list.body.total).toBe(3);
      expect((list.body.items as ContactDto[]).map((x) => x.id)).toEqual([amy.id, bea.id, low.id]);
      const second = await get(`/api/clients/${client.id}/contacts?limit=1&offset=1`).expect(200);
      expect(second.body).toMatchObject({ total: 3, limit: 1, offset: 1, items: [{ id: bea.id }] });

      const updated = await patch(
        `/api/contacts/${bea.id}`,
        { position: null, phones: [], priority: 0 },
        supervisor.token,
      ).expect(200);
      expect(updated.body).toMatchObject({ id: bea.id, name: 'Bea', position: null, phones: [] });
      const fetched = await get(`/api/contacts/${bea.id}`, agent.token).expect(200);
      expect(fetched.body).toEqual(updated.body);

      await del(`/api/contacts/${bea.id}`, receptionist.token).expect(204);
      await get(`/api/contacts/${bea.id}`).expect(404);
      const after = await get(`/api/clients/${client.id}/contacts`).expect(200);
      expect(after.body.total).toBe(2);
    });

    it('answers 404 for an unknown client or contact', async () => {
      const create = await post(`/api/clients/${MISSING_ID}/contacts`, { name: 'x' }).expect(404);
      expect(create.body.error.code).toBe('NOT_FOUND');
      await get(`/api/clients/${MISSING_ID}/contacts`).expect(404);
      await get(`/api/contacts/${MISSING_ID}`).expect(404);
      await patch(`/api/contacts/${MISSING_ID}`, { name: 'x' }).expect(404);
      await del(`/api/contacts/${MISSING_ID}`).expect(404);
      const client = await createClient(app, admin);
      const empty = await get(`/api/clients/${client.id}/contacts`).expect(200);
      expect(empty.body).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
    });

    it('refuses bad input naming the field, and agents', async () => {
      const client = await createClient(app, admin);
      const path = `/api/clients/${client.id}/contacts`;
      const phone = await post(path, { name: 'x', phones: ['12'] }).expect(400);
      expect(phone.body.error).toMatchObject({ code: 'INVALID_PHONE_NUMBER', field: 'phones' });
      const priority = await post(path, { name: 'x', priority: 1.5 }).expect(400);
      expect(priority.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'priority' });
      const unknown = await post(path, { name: 'x', clientId: client.id }).expect(400);
      expect(unknown.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'clientId' });
      await post(path, { name: 'x' }, agent.token).expect(403);
      const none = await get(path).expect(200);
      expect(none.body.total).toBe(0);
    });
  });

  describe('lines', () => {
    it('an admin creates a line; the number is stored as E.164', async () => {
      const phone = randomUsPhone();
      const code = uniqueCode('main');
      const res = await post('/api/lines', {
        code,
        name: 'Main office',
        number: phone.national,
        channels: 30,
      }).expect(201);
      const line = res.body as LineDto;
      expect(line).toMatchObject({ code, name: 'Main office', number: phone.e164, channels: 30 });
      const fetched = await get(`/api/lines/${line.id}`, agent.token).expect(200);
      expect(fetched.body).toEqual(line);
      const numberless = await createLine(app, admin);
      expect(numberless.number).toBeNull();
    });

    it('lists by code with a search and pagination', async () => {
      const tag = uniqueSuffix();
      const lines = [
        await createLine(app, admin, { code: `${tag}-a` }),
        await createLine(app, admin, { code: `${tag}-b` }),
        await createLine(app, admin, { code: `x-${tag}-c`, name: `Overflow ${tag}` }),
      ];
      const all = await get(`/api/lines?q=${tag}`, supervisor.token).expect(200);
      expect(all.body.total).toBe(3);
      expect((all.body.items as LineDto[]).map((x) => x.id)).toEqual(lines.map((x) => x.id));
      const byName = await get(`/api/lines?q=overflow%20${tag}`).expect(200);
      expect((byName.body.items as LineDto[]).map((x) => x.id)).toEqual([lines[2].id]);
      const page2 = await get(`/api/lines?q=${tag}&limit=2&offset=2`).expect(200);
      expect(page2.body).toMatchObject({
        total: 3,
        limit: 2,
        offset: 2,
        items: [{ id: lines[2].id }],
      });
    });

    it('updates and deletes', async () => {
      const line = await createLine(app, admin, { number: randomUsPhone().e164 });
      const code = uniqueCode('renamed');
      const res = await patch(`/api/lines/${line.id}`, { code, channels: 60, number: null }).expect(
        200,
      );
      expect(res.body).toMatchObject({ id: line.id, code, channels: 60, number: null });
      await del(`/api/lines/${line.id}`).expect(204);
      await get(`/api/lines/${line.id}`).expect(404);
      await del(`/api/lines/${line.id}`).expect(404);
    });

    it('answers 409 on a duplicate code, on create and on update', async () => {
      const line = await createLine(app, admin);
      const dup = await post('/api/lines', { code: line.code, name: 'Dup', channels: 1 }).expect(
        409,
      );
      expect(dup.body.error.code).toBe('ALREADY_EXISTS');
      const other = await createLine(app, admin);
      const renamed = await patch(`/api/lines/${other.id}`, { code: line.code }).expect(409);
      expect(renamed.body.error.code).toBe('ALREADY_EXISTS');
      const unchanged = await get(`/api/lines/${other.id}`).expect(200);
      expect(unchanged.body.code).toBe(other.code);
    });

    it('refuses bad input naming the field', async () => {
      const cases: [object, string, string][] = [
        [{ code: 'Bad Code', name: 'x', channels: 1 }, 'VALIDATION_FAILED', 'code'],
        [{ code: '-lead', name: 'x', channels: 1 }, 'VALIDATION_FAILED', 'code'],
        [{ code: uniqueCode('c'), name: 'x', channels: 0 }, 'VALIDATION_FAILED', 'channels'],
        [{ code: uniqueCode('c'), name: 'x', channels: 10_001 }, 'VALIDATION_FAILED', 'channels'],
        [{ code: uniqueCode('c'), name: 'x', channels: '4' }, 'VALIDATION_FAILED', 'channels'],
        [
          { code: uniqueCode('c'), name: 'x', channels: 1, trunk: 'sip' },
          'VALIDATION_FAILED',
          'trunk',
        ],
        [
          { code: uniqueCode('c'), name: 'x', channels: 1, number: '+1 999 555 0100' },
          'INVALID_PHONE_NUMBER',
          'number',
        ],
      ];
      for (const [body, code, field] of cases) {
        const res = await post('/api/lines', body).expect(400);
        expect(res.body.error).toMatchObject({ code, field });
      }
      await get(`/api/lines/${MISSING_ID}`).expect(404);
      await patch(`/api/lines/${MISSING_ID}`, { name: 'x' }).expect(404);
    });

    it('only admins write lines; everyone reads them', async () => {
      const line = await createLine(app, admin);
      const body = { code: uniqueCode('nope'), name: 'x', channels: 1 };
      for (const user of [agent, receptionist, supervisor]) {
        const res = await post('/api/lines', body, user.token).expect(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
        await patch(`/api/lines/${line.id}`, { name: 'x' }, user.token).expect(403);
        await del(`/api/lines/${line.id}`, user.token).expect(403);
        await get(`/api/lines/${line.id}`, user.token).expect(200);
      }
    });
  });

  describe('queues', () => {
    it('creates a queue with defaults and answers 409 on a duplicate code', async () => {
      const code = uniqueCode('sales');
      const res = await post('/api/queues', { code, name: 'Sales' }).expect(201);
      expect(res.body).toMatchObject({
        code,
        name: 'Sales',
        strategy: 'longest-idle',
        slThresholdSeconds: 20,
        maxWaitSeconds: 300,
        wrapUpSeconds: 0,
        members: [],
      });
      const dup = await post('/api/queues', { code, name: 'Again' }).expect(409);
      expect(dup.body.error.code).toBe('ALREADY_EXISTS');
    });

    it('keeps a PBX spelling of a code and compares codes ignoring case', async () => {
      const code = uniqueCode('PS').toUpperCase();
      const res = await post('/api/queues', { code, name: 'Upper' }).expect(201);
      expect(res.body.code).toBe(code);
      const dup = await post('/api/queues', { code: code.toLowerCase(), name: 'Lower' }).expect(
        409,
      );
      expect(dup.body.error.code).toBe('ALREADY_EXISTS');
      const lineCode = uniqueCode('AA0101').toUpperCase();
      const line = await post('/api/lines', { code: lineCode, name: 'Trunk', channels: 2 }).expect(
        201,
      );
      expect(line.body.code).toBe(lineCode);
      const lineDup = await post('/api/lines', {
        code: lineCode.toLowerCase(),
        name: 'Trunk',
        channels: 2,
      }).expect(409);
      expect(lineDup.body.error.code).toBe('ALREADY_EXISTS');
      // A call registered by hand names them in another case and lands on the same records.
      const call = await post('/api/calls', {
        line: lineCode.toLowerCase(),
        queue: code.toLowerCase(),
        from: '+12015550123',
      }).expect(201);
      expect(call.body).toMatchObject({ lineId: line.body.id, queueId: res.body.id });
    });

    it('updates settings and deletes', async () => {
      const queue = await createQueue(app, admin, { strategy: 'round-robin', wrapUpSeconds: 15 });
      expect(queue).toMatchObject({ strategy: 'round-robin', wrapUpSeconds: 15 });
      const res = await patch(`/api/queues/${queue.id}`, {
        strategy: 'curator-first',
        slThresholdSeconds: 30,
        maxWaitSeconds: 600,
      }).expect(200);
      expect(res.body).toMatchObject({
        id: queue.id,
        code: queue.code,
        strategy: 'curator-first',
        slThresholdSeconds: 30,
        maxWaitSeconds: 600,
        wrapUpSeconds: 15,
      });
      const fetched = await get(`/api/queues/${queue.id}`, agent.token).expect(200);
      expect(fetched.body).toEqual(res.body);
      await del(`/api/queues/${queue.id}`).expect(204);
      await get(`/api/queues/${queue.id}`).expect(404);
    });

    it('refuses bad input naming the field', async () => {
      const base = () => ({ code: uniqueCode('q'), name: 'x' });
      const cases: [object, string][] = [
        [{ ...base(), strategy: 'random' }, 'strategy'],
        [{ ...base(), slThresholdSeconds: 0 }, 'slThresholdSeconds'],
        [{ ...base(), slThresholdSeconds: 3601 }, 'slThresholdSeconds'],
        [{ ...base(), maxWaitSeconds: 4 }, 'maxWaitSeconds'],
        [{ ...base(), maxWaitSeconds: 86_401 }, 'maxWaitSeconds'],
        [{ ...base(), wrapUpSeconds: -1 }, 'wrapUpSeconds'],
        [{ ...base(), wrapUpSeconds: 'none' }, 'wrapUpSeconds'],
        [{ ...base(), members: [] }, 'members'],
        [{ name: 'x' }, 'code'],
      ];
      for (const [body, field] of cases) {
        const res = await post('/api/queues', body).expect(400);
        expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
      }
      const queue = await createQueue(app, admin);
      const nullName = await patch(`/api/queues/${queue.id}`, { name: null }).expect(400);
      expect(nullName.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });
      await get(`/api/queues/${MISSING_ID}`).expect(404);
      await del(`/api/queues/${MISSING_ID}`).expect(404);
    });

    it('adds, updates, lists and removes members', async () => {
      const queue = await createQueue(app, admin);
      const path = `/api/queues/${queue.id}/members`;
      const added = await put(`${path}/${agent.id}`, { skillLevel: 7 }).expect(200);
      expect(added.body).toEqual({
        userId: agent.id,
        username: agent.username,
        displayName: agent.username,
        skillLevel: 7,
      });
      const defaulted = await put(`${path}/${supervisor.id}`, {}).expect(200);
      expect(defaulted.body.skillLevel).toBe(5);
      const changed = await put(`${path}/${agent.id}`, { skillLevel: 9 }).expect(200);
      expect(changed.body.skillLevel).toBe(9);

      const members = await get(path, agent.token).expect(200);
      const byName = [agent, supervisor].sort((a, b) => a.username.localeCompare(b.username));
      expect(members.body.total).toBe(2);
      expect((members.body.items as QueueMemberDto[]).map((m) => m.userId)).toEqual(
        byName.map((u) => u.id),
      );
      const fetched = await get(`/api/queues/${queue.id}`).expect(200);
      expect((fetched.body as QueueDto).members).toEqual(members.body.items);
      expect(
        (fetched.body as QueueDto).members.find((m) => m.userId === agent.id)?.skillLevel,
      ).toBe(9);

      await del(`${path}/${agent.id}`).expect(204);
      const gone = await del(`${path}/${agent.id}`).expect(404);
      expect(gone.body.error.code).toBe('NOT_FOUND');
      const after = await get(path).expect(200);
      expect((after.body.items as QueueMemberDto[]).map((m) => m.userId)).toEqual([supervisor.id]);
    });

    it('handles concurrent PUTs of the same member as one membership', async () => {
      const queue = await createQueue(app, admin);
      const path = `/api/queues/${queue.id}/members/${agent.id}`;
      const results = await Promise.all(
        [3, 4, 5, 6].map((skillLevel) => put(path, { skillLevel })),
      );
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      const members = await get(`/api/queues/${queue.id}/members`).expect(200);
      expect(members.body.total).toBe(1);
    });

    it('answers 404 for an unknown queue or user and 400 for a bad skill level', async () => {
      const queue = await createQueue(app, admin);
      const unknownUser = await put(`/api/queues/${queue.id}/members/${MISSING_ID}`, {}).expect(
        404,
      );
      expect(unknownUser.body.error.code).toBe('NOT_FOUND');
      await put(`/api/queues/${MISSING_ID}/members/${agent.id}`, {}).expect(404);
      await get(`/api/queues/${MISSING_ID}/members`).expect(404);
      const skill = await put(`/api/queues/${queue.id}/members/${agent.id}`, {
        skillLevel: 11,
      }).expect(400);
      expect(skill.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'skillLevel' });
      const empty = await get(`/api/queues/${queue.id}/members`).expect(200);
      expect(empty.body.total).toBe(0);
    });

    it('lists queues with their members, paginating queues rather than member rows', async () => {
      const tag = uniqueSuffix();
      const queues = [
        await createQueue(app, admin, { code: `${tag}-a` }),
        await createQueue(app, admin, { code: `${tag}-b` }),
        await createQueue(app, admin, { code: `${tag}-c` }),
      ];
      for (const queue of queues) {
        for (const user of [agent, supervisor, receptionist]) {
          await put(`/api/queues/${queue.id}/members/${user.id}`, { skillLevel: 2 }).expect(200);
        }
      }
      const first = await get(`/api/queues?q=${tag}&limit=2`, receptionist.token).expect(200);
      expect(first.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
      expect((first.body.items as QueueDto[]).map((q) => q.id)).toEqual([
        queues[0].id,
        queues[1].id,
      ]);
      for (const queue of first.body.items as QueueDto[]) expect(queue.members).toHaveLength(3);
      const rest = await get(`/api/queues?q=${tag}&limit=2&offset=2`).expect(200);
      expect((rest.body.items as QueueDto[]).map((q) => q.id)).toEqual([queues[2].id]);
      expect((rest.body.items as QueueDto[])[0].members).toHaveLength(3);
    });

    it('deleting a queue removes its memberships, not the users', async () => {
      const queue = await createQueue(app, admin);
      await put(`/api/queues/${queue.id}/members/${agent.id}`, {}).expect(200);
      await del(`/api/queues/${queue.id}`).expect(204);
      await get(`/api/queues/${queue.id}/members`).expect(404);
      await get(`/api/users/${agent.id}`).expect(200);
    });

    it('only admins write queues and members; everyone reads them', async () => {
      const queue = await createQueue(app, admin);
      for (const user of [agent, receptionist, supervisor]) {
        await post('/api/queues', { code: uniqueCode('nope'), name: 'x' }, user.token).expect(403);
        await patch(`/api/queues/${queue.id}`, { name: 'x' }, user.token).expect(403);
        await put(`/api/queues/${queue.id}/members/${user.id}`, {}, user.token).expect(403);
        await del(`/api/queues/${queue.id}/members/${user.id}`, user.token).expect(403);
        await del(`/api/queues/${queue.id}`, user.token).expect(403);
        await get(`/api/queues/${queue.id}`, user.token).expect(200);
        await get(`/api/queues/${queue.id}/members`, user.token).expect(200);
      }
    });
  });

  describe('phone look-up', () => {
    it('finds the highest-priority contact by a number written in any format', async () => {
      const shared = randomUsPhone();
      const client = await createClient(app, admin, {
        kind: 'partner',
        curatorId: agent.id,
        // The client's own list also has the number: the contact still wins, being more precise.
        phones: [shared.e164],
      });
      await createContact(app, admin, client.id, { name: 'Low', phones: [shared.e164] });
      const best = await createContact(app, admin, client.id, {
        name: 'Zara',
        position: 'Director',
        phones: [shared.national],
        priority: 5,
      });
      await createContact(app, admin, client.id, {
        name: 'Zoe',
        phones: [shared.e164],
        priority: 5,
      });

      for (const written of [shared.national, shared.spaced, shared.e164, shared.digits]) {
        const res = await get(
          `/api/directory/lookup?phone=${encodeURIComponent(written)}`,
          agent.token,
        ).expect(200);
        expect(res.body).toEqual({
          phone: shared.e164,
          client: {
            id: client.id,
            name: client.name,
            kind: 'partner',
            curator: { id: agent.id, displayName: agent.username },
          },
          contact: { id: best.id, name: 'Zara', position: 'Director' },
        });
      }
    });

    it("falls back to a client's own number, then to nobody", async () => {
      const own = randomUsPhone();
      const client = await createClient(app, admin, { phones: [own.national] });
      await createContact(app, admin, client.id, { phones: [randomUsPhone().e164] });
      const found = await get(
        `/api/directory/lookup?phone=${encodeURIComponent(own.spaced)}`,
      ).expect(200);
      expect(found.body).toEqual({
        phone: own.e164,
        client: { id: client.id, name: client.name, kind: 'client', curator: null },
        contact: null,
      });

      const stranger = randomUsPhone();
      const none = await get(`/api/directory/lookup?phone=${stranger.digits}`).expect(200);
      expect(none.body).toEqual({ phone: stranger.e164, client: null, contact: null });
    });

    it('follows edits: a number removed from a contact no longer finds it', async () => {
      const phone = randomUsPhone();
      const client = await createClient(app, admin);
      const contact = await createContact(app, admin, client.id, { phones: [phone.e164] });
      await patch(`/api/contacts/${contact.id}`, { phones: [] }).expect(200);
      const res = await get(`/api/directory/lookup?phone=${phone.digits}`).expect(200);
      expect(res.body).toMatchObject({ client: null, contact: null });
    });

    it('refuses an invalid or missing number with field phone', async () => {
      const invalid = await get('/api/directory/lookup?phone=anonymous').expect(400);
      expect(invalid.body.error).toMatchObject({ code: 'INVALID_PHONE_NUMBER', field: 'phone' });
      const missing = await get('/api/directory/lookup').expect(400);
      expect(missing.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'phone' });
      await app.http.get('/api/directory/lookup?phone=2015550123').expect(401);
    });
  });
});
