import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '@/app.module';
import { CallIngestService } from '@/modules/calls/call-ingest.service';
import { CallEventFact, projectCall } from '@/modules/calls/call-projection';
import { CallStepsRepository } from '@/modules/calls/call-steps.repository';
import { CallStepsService, RouterStep } from '@/modules/calls/call-steps.service';

interface Row {
  status: string;
  outcome: string;
  arrived_at: Date;
  queued_at: Date | null;
  first_offered_at: Date | null;
  answered_at: Date | null;
  ended_at: Date | null;
  last_event_at: Date;
  line_code: string | null;
  queue_code: string | null;
  answered_by_code: string | null;
  last_agent_code: string | null;
  transfers: number;
  offers: number;
  event_count: number;
  answered_by_id: string | null;
  note: string | null;
}

const BASE = Date.UTC(2026, 4, 4, 9, 0, 0);
const t = (seconds: number): Date => new Date(BASE + seconds * 1000);

/**
 * The router's step path against the real database: the one-statement append of a call's latest
 * step and the full re-projection it falls back to leave the row the projection of all events.
 */
describe('CallStepsService (database)', () => {
  let ctx: INestApplicationContext;
  let em: EntityManager;
  let steps: CallStepsService;
  let ingest: CallIngestService;
  let lock: jest.SpyInstance;
  let latest: jest.SpyInstance;
  const agent = { id: randomUUID(), username: `steps-${randomUUID().slice(0, 8)}` };

  beforeAll(async () => {
    ctx = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await ctx.init();
    em = ctx.get(MikroORM).em.fork() as EntityManager;
    steps = ctx.get(CallStepsService);
    ingest = ctx.get(CallIngestService);
    const repo = ctx.get(CallStepsRepository);
    lock = jest.spyOn(repo, 'lock');
    latest = jest.spyOn(repo, 'appendLatest');
    await em.execute(
      `insert into users (id, username, display_name, password_hash, roles, active, created_at, updated_at)
       values (?, ?, 'Steps', 'x', '{agent}', true, now(), now())`,
      [agent.id, agent.username],
    );
  });
  afterAll(() => ctx.close());
  beforeEach(() => {
    lock.mockClear();
    latest.mockClear();
  });

  async function arrived(): Promise<string> {
    const externalId = `steps-${randomUUID()}`;
    const { callIds } = await ingest.ingest(
      [
        {
          id: `${externalId}-arrived`,
          callId: externalId,
          type: 'arrived',
          at: t(0),
          line: 'steps-line',
          queue: null,
          agent: null,
          from: '+15550100',
          to: '+15550199',
        },
      ],
      { source: 'telephony' },
    );
    return callIds.get(externalId) as string;
  }

  async function row(callId: string): Promise<Row> {
    const [r] = await em.execute<Row[]>(
      `select status, outcome, arrived_at, queued_at, first_offered_at, answered_at, ended_at,
              last_event_at, line_code, queue_code, answered_by_code, last_agent_code, transfers,
              offers, event_count, answered_by_id, note
         from calls where id = ?`,
      [callId],
    );
    return r;
  }

  /** The row as the pure projection of every stored event gives it. */
  async function projected(callId: string): Promise<Partial<Row>> {
    const events = await em.execute<(CallEventFact & { at: string | Date })[]>(
      `select id, type, at, line, queue, agent, "from", "to" from call_events where call_id = ?`,
      [callId],
    );
    const p = projectCall(events.map((e) => ({ ...e, at: new Date(e.at) })));
    return {
      status: p.status,
      outcome: p.outcome,
      queue_code: p.queue,
      line_code: p.line,
      answered_by_code: p.answeredBy,
      last_agent_code: p.lastAgent,
      transfers: p.transfers,
      offers: p.offers,
      event_count: p.eventCount,
    };
  }

  function times(r: Row): Record<string, number | null> {
    const ms = (d: Date | string | null): number | null =>
      d === null ? null : new Date(d).getTime();
    return {
      arrived: ms(r.arrived_at),
      queued: ms(r.queued_at),
      offered: ms(r.first_offered_at),
      answered: ms(r.answered_at),
      ended: ms(r.ended_at),
      last: ms(r.last_event_at),
    };
  }

  const step = (callId: string, type: RouterStep['type'], seconds: number): RouterStep => ({
    id: `${callId}-${type}-${seconds}`,
    type,
    at: t(seconds),
    agent: type === 'offered' || type === 'answered' ? agent : null,
    queue: 'steps-queue',
  });

  it('appends the latest step in one statement and leaves the projection of all events', async () => {
    const callId = await arrived();
    // The ingest that wrote the arrival left the row in hand: every step is one statement.
    expect(await steps.record([{ callId, step: step(callId, 'queued', 1) }])).toEqual(['accepted']);
    expect(
      await steps.record([{ callId, step: step(callId, 'offered', 2), note: 'offered to steps' }]),
    ).toEqual(['accepted']);
    expect(await steps.record([{ callId, step: step(callId, 'answered', 3) }])).toEqual([
      'accepted',
    ]);
    expect(lock).not.toHaveBeenCalled();
    expect(latest).toHaveBeenCalledTimes(3);
    const r = await row(callId);
    expect(r).toMatchObject(await projected(callId));
    expect(r).toMatchObject({
      status: 'answered',
      answered_by_id: agent.id,
      answered_by_code: agent.username,
      note: 'offered to steps',
    });
    expect(times(r)).toEqual({
      arrived: t(0).getTime(),
      queued: t(1).getTime(),
      offered: t(2).getTime(),
      answered: t(3).getTime(),
      ended: null,
      last: t(3).getTime(),
    });
  });

  it('gives the same row on the one-statement path as on the full re-projection', async () => {
    const fast = await arrived();
    const full = await arrived();
    for (const [type, s] of [
      ['queued', 1],
      ['offered', 2],
      ['missed', 3],
    ] as const) {
      await steps.record([{ callId: fast, step: step(fast, type, s) }]);
      // Two calls in one batch always take the full path.
      await steps.record([
        { callId: full, step: step(full, type, s) },
        { callId: randomUUID(), step: step(full, type, s + 100) },
      ]);
    }
    const a = await row(fast);
    const b = await row(full);
    expect(a).toMatchObject(await projected(fast));
    expect({ ...a, ...times(a) }).toEqual({ ...b, ...times(b) });
    expect(a.status).toBe('missed');
  });

  it('re-projects a step that is not the latest (out of order)', async () => {
    const callId = await arrived();
    await steps.record([{ callId, step: step(callId, 'queued', 1) }]);
    await steps.record([{ callId, step: step(callId, 'answered', 5) }]);
    lock.mockClear();
    // Late: stamped before the answer it raced.
    expect(await steps.record([{ callId, step: step(callId, 'offered', 3) }])).toEqual([
      'accepted',
    ]);
    expect(lock).toHaveBeenCalledTimes(1);
    const r = await row(callId);
    expect(r).toMatchObject({ ...(await projected(callId)), status: 'answered', offers: 1 });
    expect(times(r).offered).toBe(t(3).getTime());
  });

  it('falls back when the row moved on under another writer', async () => {
    const callId = await arrived();
    await steps.record([{ callId, step: step(callId, 'queued', 1) }]);
    // Another API process records a telephony offer: this process's row in hand is stale.
    await em.execute(
      `insert into call_events (id, call_id, type, at, line, queue, agent, source, received_at)
       values (?, ?, 'offered', ?, null, 'steps-queue', ?, 'telephony', now())`,
      [`${callId}-tel-offered`, callId, t(2), agent.username],
    );
    await em.execute(
      `update calls set event_count = event_count + 1, offers = offers + 1, status = 'offered',
              first_offered_at = ?, last_event_at = ?, last_agent_code = ? where id = ?`,
      [t(2), t(2), agent.username, callId],
    );
    lock.mockClear();
    latest.mockClear();
    expect(await steps.record([{ callId, step: step(callId, 'answered', 3) }])).toEqual([
      'accepted',
    ]);
    expect(latest).toHaveBeenCalledTimes(1);
    expect(lock).toHaveBeenCalledTimes(1);
    expect(await row(callId)).toMatchObject({
      ...(await projected(callId)),
      event_count: 4,
      status: 'answered',
      answered_by_id: agent.id,
    });
  });

  it('is idempotent: a re-appended step is a duplicate and changes nothing', async () => {
    const callId = await arrived();
    await steps.record([{ callId, step: step(callId, 'queued', 1) }]);
    const offered = step(callId, 'offered', 2);
    expect(await steps.record([{ callId, step: offered, note: 'once' }])).toEqual(['accepted']);
    const before = await row(callId);
    expect(await steps.record([{ callId, step: offered, note: 'once' }])).toEqual(['duplicate']);
    expect(await row(callId)).toEqual(before);
    expect(before).toMatchObject({ event_count: 3, offers: 1, note: 'once' });
  });

  it('answers CALL_NOT_FOUND for an unknown call', async () => {
    const id = randomUUID();
    const [result] = await steps.record([{ callId: id, step: step(id, 'queued', 1) }]);
    expect(result).toBeInstanceOf(Error);
  });
});
