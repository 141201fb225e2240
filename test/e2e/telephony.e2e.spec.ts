import { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUsPhone, uniqueCode, uniqueSuffix } from '@test/factories/directory.factory';
import { startApp, TestApp } from '@test/support/test-app';
import { adminToken, createApiKey, createUser, TestUser } from '@test/support/users';

interface WireEvent {
  id: string;
  callId: string;
  type: string;
  at: string;
  line: string;
  from: string;
  to?: string;
  queue?: string;
  agent?: string;
}

interface Result {
  id: string | null;
  status: 'accepted' | 'duplicate' | 'rejected';
  reason?: string;
}

/** Fisher-Yates with a seed, so a failing order can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('telephony ingest (e2e)', () => {
  let app: TestApp;
  let key: string;
  let admin: string;
  let supervisor: TestUser;

  beforeAll(async () => {
    app = await startApp();
    key = await createApiKey(app);
    admin = await adminToken(app);
    supervisor = await createUser(app, ['supervisor']);
  });
  afterAll(() => app.close());

  const send = (body: unknown) =>
    app.http
      .post('/api/telephony/events')
      .set('x-api-key', key)
      .send(body as object);
  const results = async (body: unknown): Promise<Result[]> =>
    (await send(body).expect(200)).body.results as Result[];
  const em = (): EntityManager => app.app.get(MikroORM).em.fork() as EntityManager;

  async function callIdOf(externalId: string): Promise<string> {
    const rows = await em()
      .getConnection()
      .execute<{ id: string }[]>('select id from calls where external_id = ?', [externalId]);
    expect(rows).toHaveLength(1);
    return rows[0].id;
  }
  const getCall = async (id: string) =>
    (await app.http.get(`/api/calls/${id}`).set('authorization', `Bearer ${admin}`).expect(200))
      .body as Record<string, unknown>;

  /** One answered call with a transfer, as a PBX would report it in order. */
  function lifecycle(callId: string, line: string, queue: string, from: string): WireEvent[] {
    const base = Date.parse('2026-03-02T09:00:00Z');
    const at = (s: number) => new Date(base + s * 1000).toISOString().replace('Z', '+00:00');
    const ev = (n: number, type: string, s: number, extra: Partial<WireEvent> = {}): WireEvent => ({
      id: `${callId}-e${n}`,
      callId,
      type,
      at: at(s),
      line,
      from,
      ...extra,
    });
    return [
      ev(1, 'arrived', 0, { to: '+12015550100' }),
      ev(2, 'queued', 2, { queue }),
      ev(3, 'offered', 5, { queue, agent: '9001' }),
      ev(4, 'answered', 9, { queue, agent: '9001' }),
      ev(5, 'transferred', 60, { queue: `${queue}-2`, agent: '9001' }),
      ev(6, 'offered', 62, { queue: `${queue}-2`, agent: '9002' }),
      ev(7, 'answered', 65, { queue: `${queue}-2`, agent: '9002' }),
      ev(8, 'ended', 200, { queue: `${queue}-2`, agent: '9002' }),
    ];
  }

  it('answers a batch per event, in input order: accepted, duplicate, rejected', async () => {
    const callId = `c-${uniqueSuffix()}`;
    const line = uniqueCode('ln');
    const ok = (id: string, extra: Partial<WireEvent> = {}): WireEvent => ({
      id,
      callId,
      type: 'arrived',
      at: '2026-03-02T10:00:00+03:00',
      line,
      from: '+12015550123',
      ...extra,
    });
    const a = `${callId}-a`;
    const b = `${callId}-b`;
    const res = await results([
      ok(a),
      ok(a, { type: 'queued' }),
      { ...ok(`${callId}-bad-type`), type: 'ringing' },
      { ...ok(`${callId}-extra`), colour: 'blue' },
      ok(`${callId}-no-offset`, { at: '2026-03-02T10:00:00' }),
      { ...ok(`${callId}-no-line`), line: undefined },
      { callId, type: 'ended', at: '2026-03-02T10:01:00Z', line, from: '' },
      'not an event',
      ok(b, { type: 'ended', at: '2026-03-02T10:05:00.123456+03:00' }),
    ]);
    expect(res.map((r) => [r.id, r.status])).toEqual([
      [a, 'accepted'],
      [a, 'duplicate'],
      [`${callId}-bad-type`, 'rejected'],
      [`${callId}-extra`, 'rejected'],
      [`${callId}-no-offset`, 'rejected'],
      [`${callId}-no-line`, 'rejected'],
      [null, 'rejected'],
      [null, 'rejected'],
      [b, 'accepted'],
    ]);
    expect(res[2].reason).toMatch(/type must be one of/);
    expect(res[3].reason).toBe("unknown field 'colour'");
    expect(res[4].reason).toMatch(/offset/);
    expect(res[5].reason).toBe('line is required');
    expect(res[0].reason).toBeUndefined();

    // Stored events are acknowledged as duplicates on replay, also when sent alone.
    expect(await results(ok(a))).toEqual([{ id: a, status: 'duplicate' }]);

    const call = await getCall(await callIdOf(callId));
    expect(call).toMatchObject({
      source: 'telephony',
      status: 'abandoned',
      outcome: 'abandoned',
      arrivedAt: '2026-03-02T07:00:00.000Z',
      endedAt: '2026-03-02T07:05:00.123Z',
      eventCount: 2,
      fromNumber: '+12015550123',
      lineCode: line,
    });
  });

  it('takes a single event object as well as an array; the body is not whitelisted as a whole', async () => {
    const callId = `c-${uniqueSuffix()}`;
    const res = await results({
      id: `${callId}-1`,
      callId,
      type: 'arrived',
      at: '2026-03-02T10:00:00Z',
      line: uniqueCode('ln'),
      from: 'anonymous',
      to: null,
      queue: null,
    });
    expect(res).toEqual([{ id: `${callId}-1`, status: 'accepted' }]);
    const call = await getCall(await callIdOf(callId));
    // Not a valid number: kept as sent rather than dropped.
    expect(call.fromNumber).toBe('anonymous');
  });

  it('refuses bodies that are neither an event nor a batch of 1..5000', async () => {
    const empty = await send([]).expect(400);
    expect(empty.body.error.code).toBe('VALIDATION_FAILED');
    const text = await app.http
      .post('/api/telephony/events')
      .set('x-api-key', key)
      .set('content-type', 'application/json')
      .send('"arrived"')
      .expect(400);
    expect(text.body.error.code).toBe('MALFORMED_JSON');
    const none = await app.http.post('/api/telephony/events').set('x-api-key', key).expect(400);
    expect(none.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('converges to the same call row whatever the order, batching and duplication', async () => {
    const line = uniqueCode('ln');
    const queue = uniqueCode('q');
    const phone = randomUsPhone();
    const runs = [0, 1, 2, 3].map(() => `c-${uniqueSuffix()}`);
    const inOrder = lifecycle(runs[0], line, queue, phone.national);
    await results(inOrder);

    for (const [n, callId] of runs.slice(1).entries()) {
      const events = lifecycle(callId, line, queue, phone.national);
      // Every event at least once, some twice, across three batches in a random order.
      const withCopies = shuffled([...events, ...events.filter((_, i) => i % 3 === n)], n + 7);
      const cuts = [0, 3, 7, withCopies.length];
      for (let i = 0; i < cuts.length - 1; i++) {
        const res = await results(withCopies.slice(cuts[i], cuts[i + 1]));
        expect(res.every((r) => r.status !== 'rejected')).toBe(true);
      }
    }

    const rows = await Promise.all(runs.map(async (callId) => getCall(await callIdOf(callId))));
    const comparable = rows.map((row) => {
      const rest = { ...row };
      for (const k of ['id', 'externalId', 'createdAt', 'updatedAt', 'dossier']) delete rest[k];
      return rest;
    });
    for (const row of comparable.slice(1)) expect(row).toEqual(comparable[0]);
    expect(comparable[0]).toMatchObject({
      status: 'ended',
      outcome: 'answered',
      arrivedAt: '2026-03-02T09:00:00.000Z',
      queuedAt: '2026-03-02T09:00:02.000Z',
      firstOfferedAt: '2026-03-02T09:00:05.000Z',
      answeredAt: '2026-03-02T09:00:09.000Z',
      endedAt: '2026-03-02T09:03:20.000Z',
      queueCode: `${queue}-2`,
      answeredByCode: '9001',
      lastAgentCode: '9002',
      fromNumber: phone.e164,
      toNumber: '+12015550100',
      transfers: 1,
      offers: 2,
      eventCount: 8,
    });

    const log = await app.http
      .get(`/api/calls/${rows[2].id as string}/events`)
      .set('authorization', `Bearer ${supervisor.token}`)
      .expect(200);
    expect((log.body as { type: string }[]).map((e) => e.type)).toEqual([
      'arrived',
      'queued',
      'offered',
      'answered',
      'transferred',
      'offered',
      'answered',
      'ended',
    ]);
  });

  it('serialises concurrent batches on the same calls: each event accepted once, same rows', async () => {
    const line = uniqueCode('ln');
    const queue = uniqueCode('q');
    const phone = randomUsPhone();
    const callIds = Array.from({ length: 40 }, () => `cc-${uniqueSuffix()}`);
    const all = callIds.flatMap((callId) => lifecycle(callId, line, queue, phone.e164));
    const batches = [1, 2, 3, 4].map((seed) => shuffled(all, seed));
    const answers = await Promise.all(batches.map((batch) => results(batch)));
    const accepted = answers.flat().filter((r) => r.status === 'accepted');
    expect(accepted).toHaveLength(all.length);
    expect(new Set(accepted.map((r) => r.id)).size).toBe(all.length);

    const rows = await em()
      .getConnection()
      .execute<{ status: string; outcome: string; event_count: number; transfers: number }[]>(
        'select status, outcome, event_count, transfers from calls where external_id in (?)',
        [callIds],
      );
    expect(rows).toHaveLength(callIds.length);
    expect(
      rows.every(
        (r) =>
          r.status === 'ended' &&
          r.outcome === 'answered' &&
          r.event_count === 8 &&
          r.transfers === 1,
      ),
    ).toBe(true);
  });

  it('accepts unknown line, queue and agent codes and records them as unmapped', async () => {
    const callId = `c-${uniqueSuffix()}`;
    const line = uniqueCode('ln-unknown');
    const queue = uniqueCode('q-unknown');
    const agentCode = `x${uniqueSuffix()}`;
    const at = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
    const res = await results([
      { id: `${callId}-1`, callId, type: 'arrived', at: at(0), line, from: '+12015550123' },
      { id: `${callId}-2`, callId, type: 'queued', at: at(1), line, from: '', queue },
      {
        id: `${callId}-3`,
        callId,
        type: 'answered',
        at: at(5),
        line,
        from: '',
        queue,
        agent: agentCode,
      },
    ]);
    expect(res.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);

    const unmapped = await em()
      .getConnection()
      .execute<{ kind: string; code: string; seen_count: number }[]>(
        'select kind, code, seen_count from unmapped_codes where code in (?) order by kind',
        [[line, queue, agentCode]],
      );
    expect(unmapped).toEqual([
      { kind: 'agent', code: agentCode, seen_count: 1 },
      { kind: 'line', code: line, seen_count: 3 },
      { kind: 'queue', code: queue, seen_count: 2 },
    ]);
    const call = await getCall(await callIdOf(callId));
    expect(call).toMatchObject({
      status: 'answered',
      lineCode: line,
      lineId: null,
      queueId: null,
      answeredByCode: agentCode,
      answeredBy: null,
    });

    // Seen again in a later batch: counted, not duplicated.
    await results([
      { id: `${callId}-4`, callId, type: 'ended', at: at(30), line, from: '', agent: agentCode },
    ]);
    const again = await em()
      .getConnection()
      .execute<{ seen_count: number }[]>(
        "select seen_count from unmapped_codes where kind = 'agent' and code = ?",
        [agentCode],
      );
    expect(again[0].seen_count).toBe(2);
  });

  it('resolves known codes: line and queue by code, the agent by extension or username', async () => {
    const { createLine, createQueue } = await import('@test/factories/directory.factory');
    const line = await createLine(app, admin);
    const queue = await createQueue(app, admin);
    const extension = `8${Math.floor(Math.random() * 1e7)}`;
    const byExtension = await createUser(app, ['agent'], { extension });
    const byName = await createUser(app, ['agent']);
    const run = async (agent: string) => {
      const callId = `c-${uniqueSuffix()}`;
      const at = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
      await results([
        {
          id: `${callId}-1`,
          callId,
          type: 'arrived',
          at: at(0),
          line: line.code.toUpperCase(),
          from: '1',
        },
        {
          id: `${callId}-2`,
          callId,
          type: 'answered',
          at: at(3),
          line: line.code,
          from: '1',
          queue: queue.code,
          agent,
        },
      ]);
      return getCall(await callIdOf(callId));
    };
    expect(await run(extension)).toMatchObject({
      lineId: line.id,
      queueId: queue.id,
      answeredBy: { id: byExtension.id },
    });
    expect(await run(byName.username.toUpperCase())).toMatchObject({
      answeredBy: { id: byName.id },
    });
    // The agent may read the call credited to them.
    const callId = `c-${uniqueSuffix()}`;
    await results([
      {
        id: `${callId}-1`,
        callId,
        type: 'answered',
        at: new Date().toISOString(),
        line: line.code,
        from: '1',
        agent: extension,
      },
    ]);
    const id = await callIdOf(callId);
    await app.http
      .get(`/api/calls/${id}`)
      .set('authorization', `Bearer ${byExtension.token}`)
      .expect(200);
    await app.http
      .get(`/api/calls/${id}`)
      .set('authorization', `Bearer ${byName.token}`)
      .expect(403);
  });

  it('fixes arrivedAt when the arrival comes late, after the answer and the end', async () => {
    const callId = `c-${uniqueSuffix()}`;
    const line = uniqueCode('ln');
    const ev = (n: number, type: string, at: string): WireEvent => ({
      id: `${callId}-${n}`,
      callId,
      type,
      at,
      line,
      from: '+12015550123',
    });
    await results([
      ev(2, 'answered', '2026-03-02T10:00:20Z'),
      ev(3, 'ended', '2026-03-02T10:03:00Z'),
    ]);
    const id = await callIdOf(callId);
    expect(await getCall(id)).toMatchObject({
      arrivedAt: '2026-03-02T10:00:20.000Z',
      status: 'ended',
      outcome: 'answered',
    });
    await results([ev(1, 'arrived', '2026-03-02T10:00:00Z')]);
    expect(await getCall(id)).toMatchObject({
      arrivedAt: '2026-03-02T10:00:00.000Z',
      answeredAt: '2026-03-02T10:00:20.000Z',
      endedAt: '2026-03-02T10:03:00.000Z',
      status: 'ended',
      outcome: 'answered',
      eventCount: 3,
    });
  });

  it('refuses a batch over 5000 with BATCH_TOO_LARGE and stores nothing of it', async () => {
    const prefix = `big-${uniqueSuffix()}`;
    const events = Array.from({ length: 5001 }, (_, i) => ({
      id: `${prefix}-${i}`,
      callId: `${prefix}-${i % 50}`,
      type: 'arrived',
      at: '2026-03-02T10:00:00Z',
      line: 'l',
      from: '',
    }));
    const res = await send(events).expect(400);
    expect(res.body.error.code).toBe('BATCH_TOO_LARGE');
    const stored = await em()
      .getConnection()
      .execute<{ n: number }[]>(
        'select (select count(*) from call_events where id like ?)::int + (select count(*) from calls where external_id like ?)::int as n',
        [`${prefix}-%`, `${prefix}-%`],
      );
    expect(stored[0].n).toBe(0);
  });

  it('is for connectors only', async () => {
    const agent = await createUser(app, ['agent']);
    const res = await app.http
      .post('/api/telephony/events')
      .set('authorization', `Bearer ${agent.token}`)
      .send([])
      .expect(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    await app.http
      .post('/api/telephony/events')
      .set('authorization', `Bearer ${admin}`)
      .send([])
      .expect(403);
    await app.http.post('/api/telephony/events').send([]).expect(401);
  });

  it('takes a full batch of 5000 events (history import) in one request', async () => {
    const line = uniqueCode('ln');
    const queue = uniqueCode('q');
    const prefix = `bulk-${uniqueSuffix()}`;
    const base = Date.parse('2026-02-01T08:00:00Z');
    const events: WireEvent[] = [];
    for (let c = 0; c < 1000; c++) {
      const callId = `${prefix}-${c}`;
      const t = base + c * 30_000;
      const at = (s: number) => new Date(t + s * 1000).toISOString();
      const from = randomUsPhone().e164;
      const answered = c % 4 !== 0;
      events.push(
        { id: `${callId}-1`, callId, type: 'arrived', at: at(0), line, from },
        { id: `${callId}-2`, callId, type: 'queued', at: at(1), line, from, queue },
        { id: `${callId}-3`, callId, type: 'offered', at: at(3), line, from, queue, agent: '9001' },
        answered
          ? {
              id: `${callId}-4`,
              callId,
              type: 'answered',
              at: at(8),
              line,
              from,
              queue,
              agent: '9001',
            }
          : { id: `${callId}-4`, callId, type: 'abandoned', at: at(8), line, from, queue },
        { id: `${callId}-5`, callId, type: 'ended', at: at(90), line, from, queue },
      );
    }
    // Throughput is measured by `npm run bench -- ingest`, not here.
    const res = await send(shuffled(events, 42)).expect(200);
    const statuses = (res.body.results as Result[]).map((r) => r.status);
    expect(statuses.every((s) => s === 'accepted')).toBe(true);

    const counts = await em()
      .getConnection()
      .execute<{ outcome: string; n: number }[]>(
        'select outcome, count(*)::int as n from calls where external_id like ? group by outcome order by outcome',
        [`${prefix}-%`],
      );
    expect(counts).toEqual([
      { outcome: 'abandoned', n: 250 },
      { outcome: 'answered', n: 750 },
    ]);
  });
});
