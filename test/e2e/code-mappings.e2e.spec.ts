import {
  createLine,
  createQueue,
  uniqueCode,
  uniqueSuffix,
} from '@test/factories/directory.factory';
import { startApp, TestApp } from '@test/support/test-app';
import { adminToken, createApiKey, createUser } from '@test/support/users';

describe('unmapped telephony codes and their mappings (e2e)', () => {
  let app: TestApp;
  let key: string;
  let admin: string;

  beforeAll(async () => {
    app = await startApp();
    key = await createApiKey(app);
    admin = await adminToken(app);
  });
  afterAll(() => app.close());

  const as = (token: string) => ({
    get: (path: string) => app.http.get(path).set('authorization', `Bearer ${token}`),
    post: (path: string) => app.http.post(path).set('authorization', `Bearer ${token}`),
    delete: (path: string) => app.http.delete(path).set('authorization', `Bearer ${token}`),
  });

  /** A call that arrives on `line`, queues in `queue` and, if `agent` is given, is answered. */
  async function call(line: string, queue: string, agent?: string): Promise<string> {
    const callId = `cm-${uniqueSuffix()}`;
    const at = (s: number) => new Date(Date.now() - 30_000 + s * 1000).toISOString();
    const events: object[] = [
      { id: `${callId}-1`, callId, type: 'arrived', at: at(0), line, from: '+12015550123' },
      { id: `${callId}-2`, callId, type: 'queued', at: at(1), line, from: '', queue },
    ];
    if (agent !== undefined) {
      events.push({
        id: `${callId}-3`,
        callId,
        type: 'answered',
        at: at(3),
        line,
        from: '',
        agent,
      });
    }
    const res = await app.http
      .post('/api/telephony/events')
      .set('x-api-key', key)
      .send(events)
      .expect(200);
    expect(res.body.results.every((r: { status: string }) => r.status === 'accepted')).toBe(true);
    // Test files share one database: look among this line's calls, not the newest 200 of all.
    const list = await as(admin).get('/api/calls').query({ line, limit: 200 }).expect(200);
    const found = (list.body.items as { id: string; externalId: string }[]).find(
      (c) => c.externalId === callId,
    );
    expect(found).toBeDefined();
    return found!.id;
  }
  const readCall = async (id: string) =>
    (await as(admin).get(`/api/calls/${id}`).expect(200)).body as Record<string, unknown>;
  const unmappedCodes = async (kind?: string) =>
    (
      await as(admin)
        .get('/api/telephony/unmapped-codes')
        .query(kind ? { kind, limit: 200 } : { limit: 200 })
        .expect(200)
    ).body as { items: { kind: string; code: string; seenCount: number }[]; total: number };

  it('lists unmapped codes; mapping one sends later events of any spelling to the target', async () => {
    const line = await createLine(app, admin);
    const queue = await createQueue(app, admin, { name: 'Billing' });
    const lineCode = uniqueCode('pbx-line');
    const queueCode = `PBX-Q-${uniqueSuffix()}`;
    const agentCode = `7${Math.floor(Math.random() * 1e7)}`;
    const agent = await createUser(app, ['agent']);

    const before = await readCall(await call(lineCode, queueCode, agentCode));
    expect(before).toMatchObject({ lineId: null, queueId: null, answeredBy: null });
    const listed = await unmappedCodes();
    expect(listed.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'line', code: lineCode }),
        expect.objectContaining({ kind: 'queue', code: queueCode, seenCount: 1 }),
        expect.objectContaining({ kind: 'agent', code: agentCode }),
      ]),
    );
    expect((await unmappedCodes('queue')).items.every((c) => c.kind === 'queue')).toBe(true);

    const mapped = await as(admin)
      .post('/api/telephony/code-mappings')
      .send({ kind: 'queue', code: queueCode, targetId: queue.id })
      .expect(201);
    expect(mapped.body).toMatchObject({
      kind: 'queue',
      code: queueCode.toLowerCase(),
      targetId: queue.id,
      targetCode: queue.code,
      targetName: 'Billing',
    });
    await as(admin)
      .post('/api/telephony/code-mappings')
      .send({ kind: 'line', code: lineCode, targetId: line.id })
      .expect(201);
    await as(admin)
      .post('/api/telephony/code-mappings')
      .send({ kind: 'agent', code: agentCode, targetId: agent.id })
      .expect(201);
    const after = (await unmappedCodes()).items.map((c) => c.code);
    expect(after).not.toContain(queueCode);
    expect(after).not.toContain(lineCode);
    expect(after).not.toContain(agentCode);

    // The PBX sends the queue in another case: ingest compares queue codes without case.
    const next = await readCall(await call(lineCode, queueCode.toLowerCase(), agentCode));
    expect(next).toMatchObject({ lineId: line.id, queueId: queue.id });
    expect((next.answeredBy as { id: string } | null)?.id).toBe(agent.id);
    // The earlier call keeps what it had.
    expect(await readCall(before.id as string)).toMatchObject({ queueId: null });

    const mappings = (await as(admin).get('/api/telephony/code-mappings').expect(200)).body as {
      kind: string;
      code: string;
      targetId: string;
    }[];
    expect(mappings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'queue', targetId: queue.id }),
        expect.objectContaining({ kind: 'line', targetId: line.id }),
        expect.objectContaining({ kind: 'agent', targetId: agent.id }),
      ]),
    );

    // Unmapped again: the code is unknown to the next call and listed once more.
    await as(admin)
      .delete(`/api/telephony/code-mappings/queue/${encodeURIComponent(queueCode)}`)
      .expect(204);
    const unmappedAgain = await readCall(await call(lineCode, queueCode));
    expect(unmappedAgain).toMatchObject({ lineId: line.id, queueId: null });
    expect((await unmappedCodes('queue')).items.map((c) => c.code)).toContain(queueCode);
  });

  it('a deleted target takes its mapping with it; the code is unknown again, never a broken id', async () => {
    const queue = await createQueue(app, admin);
    const code = uniqueCode('gone');
    await as(admin)
      .post('/api/telephony/code-mappings')
      .send({ kind: 'queue', code, targetId: queue.id })
      .expect(201);
    await as(admin).delete(`/api/queues/${queue.id}`).expect(204);
    const line = await createLine(app, admin);
    expect(await readCall(await call(line.code, code))).toMatchObject({ queueId: null });
    expect((await unmappedCodes('queue')).items.map((c) => c.code)).toContain(code);
  });

  it('refuses bad input with stable codes', async () => {
    const queue = await createQueue(app, admin);
    const missing = '00000000-0000-4000-8000-000000000000';
    const notFound = await as(admin)
      .post('/api/telephony/code-mappings')
      .send({ kind: 'queue', code: 'x', targetId: missing })
      .expect(404);
    expect(notFound.body.error.code).toBe('NOT_FOUND');
    // A queue's id is not a line.
    await as(admin)
      .post('/api/telephony/code-mappings')
      .send({ kind: 'line', code: 'x', targetId: queue.id })
      .expect(404);
    for (const body of [
      { kind: 'trunk', code: 'x', targetId: queue.id },
      { kind: 'queue', code: '', targetId: queue.id },
      { kind: 'queue', code: 'x', targetId: 'not-a-uuid' },
      { kind: 'queue', code: 'x', targetId: queue.id, extra: 1 },
    ]) {
      const res = await as(admin).post('/api/telephony/code-mappings').send(body).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(
      (await as(admin).get('/api/telephony/unmapped-codes').query({ kind: 'trunk' }).expect(400))
        .body.error.code,
    ).toBe('VALIDATION_FAILED');
    await as(admin).delete('/api/telephony/code-mappings/trunk/x').expect(400);
    expect(
      (await as(admin).delete('/api/telephony/code-mappings/queue/never-mapped').expect(404)).body
        .error.code,
    ).toBe('NOT_FOUND');
  });

  it('GET /stats/live answers the stats.live snapshot: waiting callers per queue now', async () => {
    const queue = await createQueue(app, admin, { slThresholdSeconds: 15 });
    const line = await createLine(app, admin);
    await call(line.code, queue.code);
    const supervisor = await createUser(app, ['supervisor']);
    const live = await as(supervisor.token).get('/api/stats/live').expect(200);
    expect(live.body).toMatchObject({
      timeZone: expect.any(String),
      todayFrom: expect.any(String),
    });
    const tile = (live.body.queues as { queueId: string }[]).find((q) => q.queueId === queue.id);
    expect(tile).toMatchObject({
      queueCode: queue.code,
      slThresholdSeconds: 15,
      waiting: 1,
      today: { offered: 1, answered: 0 },
    });
  });
});
