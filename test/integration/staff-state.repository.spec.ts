import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LeanSql } from '@/database/lean-sql';
import { StaffStateRepository, Tx } from '@/modules/staff/staff-state.repository';
import { WorkerModule } from '@workers/worker.module';

interface Row {
  status: string;
  state: string;
  break_reason: string | null;
  current_call_id: string | null;
  consecutive_no_answers: number;
  cooling: boolean;
}

/** The staff_presence state machine against the real database, one transition at a time. */
describe('StaffStateRepository', () => {
  let ctx: INestApplicationContext;
  let em: EntityManager;
  let repo: StaffStateRepository;
  /** The executor routing runs the transitions on. */
  let tx: Tx;

  beforeAll(async () => {
    ctx = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await ctx.init();
    em = ctx.get(MikroORM).em.fork() as EntityManager;
    repo = ctx.get(StaffStateRepository);
    tx = ctx.get(LeanSql);
  });
  afterAll(() => ctx.close());

  async function person(
    presence: Partial<{ status: string; state: string; current_call_id: string | null }> = {},
  ): Promise<string> {
    const id = randomUUID();
    await em.execute(
      `insert into users (id, username, display_name, password_hash, roles, active, created_at, updated_at)
       values (?, ?, 'Staff', 'x', '{agent}', true, now(), now())`,
      [id, `staff-${id.slice(0, 8)}`],
    );
    await em.execute(
      `insert into staff_presence (user_id, status, state, state_since, current_call_id, updated_at)
       values (?, ?::staff_status, ?::staff_state, now(), ?, now())`,
      [
        id,
        presence.status ?? 'available',
        presence.state ?? 'idle',
        presence.current_call_id ?? null,
      ],
    );
    return id;
  }

  async function row(userId: string): Promise<Row> {
    const rows = await em.execute<Row[]>(
      `select status, state, break_reason, current_call_id, consecutive_no_answers,
              coalesce(cooldown_until > now(), false) as cooling
         from staff_presence where user_id = ?`,
      [userId],
    );
    return rows[0];
  }

  it('claims only someone available, idle, off calls and out of cool-down', async () => {
    const free = await person();
    const onBreak = await person({ status: 'break' });
    const busy = await person({ state: 'busy' });
    expect(await repo.claimForCall(tx, free)).toBe(true);
    expect((await row(free)).state).toBe('offered');
    expect(await repo.claimForCall(tx, free)).toBe(false);
    expect(await repo.claimForCall(tx, onBreak)).toBe(false);
    expect(await repo.claimForCall(tx, busy)).toBe(false);

    await repo.releaseOffered(tx, [free], 60);
    expect(await row(free)).toMatchObject({ state: 'idle', cooling: true });
    expect(await repo.claimForCall(tx, free)).toBe(false);
  });

  it('puts a person on break after the configured number of offers rang out', async () => {
    const id = await person({ state: 'offered' });
    await repo.noAnswer(tx, id, 2);
    expect(await row(id)).toMatchObject({
      state: 'idle',
      status: 'available',
      consecutive_no_answers: 1,
    });
    await em.execute(`update staff_presence set state = 'offered' where user_id = ?`, [id]);
    await repo.noAnswer(tx, id, 2);
    expect(await row(id)).toMatchObject({
      state: 'idle',
      status: 'break',
      break_reason: 'no-answer',
      consecutive_no_answers: 2,
    });
  });

  it('releases whoever is on a call to wrap-up, then wrap-up to idle', async () => {
    const callId = randomUUID();
    const id = await person({ state: 'busy', current_call_id: callId });
    expect(await repo.holds(tx, id, callId)).toBe(true);
    expect(await repo.holdersOf(tx, callId)).toEqual([id]);
    const released = await repo.releaseHolders(tx, callId, 30);
    expect(released.map((r) => r.userId)).toEqual([id]);
    expect(released[0].username).toMatch(/^staff-/);
    expect(await row(id)).toMatchObject({ state: 'wrap_up', current_call_id: null });
    expect(await repo.wrapUpDone(tx, id)).toBe(true);
    expect((await row(id)).state).toBe('idle');
    expect(await repo.wrapUpDone(tx, id)).toBe(false);
  });

  it('releases straight to idle when the queue has no wrap-up', async () => {
    const callId = randomUUID();
    const id = await person({ state: 'busy', current_call_id: callId });
    await repo.releaseHolders(tx, callId, 0);
    expect(await row(id)).toMatchObject({ state: 'idle', current_call_id: null });
  });

  it('makes the answerer of a call answered on a phone busy with it, once', async () => {
    const callId = randomUUID();
    const id = await person();
    expect(await repo.answeredElsewhere(tx, id, callId)).toBe(true);
    expect(await row(id)).toMatchObject({ state: 'busy', current_call_id: callId });
    expect(await repo.answeredElsewhere(tx, id, callId)).toBe(false);
  });

  it('joins the caller’s transaction: a rollback undoes the claim', async () => {
    const id = await person();
    await expect(
      ctx.get(LeanSql).transaction(async (inner) => {
        expect(await repo.claimForCall(inner, id)).toBe(true);
        throw new Error('refused later in the same action');
      }),
    ).rejects.toThrow('refused later');
    expect((await row(id)).state).toBe('idle');
  });

  it('explains why someone cannot be claimed', async () => {
    const id = await person({ status: 'break' });
    expect(await repo.standing(tx, id)).toMatchObject({
      status: 'break',
      state: 'idle',
      cooling: false,
    });
  });
});
