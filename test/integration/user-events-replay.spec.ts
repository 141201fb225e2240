import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { StoredUserEvent } from '@/modules/notifications/delivery/delivery.events';
import {
  REPLAY_PAGE_SIZE,
  UserEventsService,
} from '@/modules/notifications/delivery/user-events.service';
import { WorkerModule } from '@workers/worker.module';

/** `UserEventsService.replay` against the real database: what it sends and what it reports. */
describe('UserEventsService.replay', () => {
  let ctx: INestApplicationContext;
  let em: EntityManager;
  let events: UserEventsService;

  beforeAll(async () => {
    ctx = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await ctx.init();
    em = ctx.get(MikroORM).em.fork() as EntityManager;
    events = ctx.get(UserEventsService);
  });
  afterAll(() => ctx.close());

  async function person(): Promise<string> {
    const id = randomUUID();
    await em.execute(
      `insert into users (id, username, display_name, password_hash, roles, active, created_at, updated_at)
       values (?, ?, 'Replay', 'x', '{agent}', true, now(), now())`,
      [id, `replay-${id.slice(0, 8)}`],
    );
    return id;
  }

  /** Stores `count` events for the user in one transaction (or in `tx`); returns their seqs. */
  async function store(userId: string, count: number, tx?: EntityManager): Promise<number[]> {
    const inputs = Array.from({ length: count }, () => ({
      userId,
      name: 'notification.created' as const,
      payload: { id: randomUUID(), kind: 'broadcast', title: 'replay' } as never,
    }));
    const stored = tx
      ? await events.append(tx, inputs)
      : await em.fork().transactional((t) => events.append(t, inputs));
    return stored.map((e) => e.seq);
  }

  async function replay(userId: string, since: number) {
    const sent: number[] = [];
    const result = await events.replay(userId, since, (e: StoredUserEvent) => sent.push(e.seq));
    return { sent, ...result };
  }

  it('is not truncated when exactly one page of events follows `since`, nor when nothing does', async () => {
    const userId = await person();
    const seqs = await store(userId, REPLAY_PAGE_SIZE);
    expect(await replay(userId, 0)).toEqual({
      sent: seqs,
      through: REPLAY_PAGE_SIZE,
      lastSeq: REPLAY_PAGE_SIZE,
      replayed: REPLAY_PAGE_SIZE,
      truncated: false,
    });
    expect(await replay(userId, REPLAY_PAGE_SIZE)).toEqual({
      sent: [],
      through: REPLAY_PAGE_SIZE,
      lastSeq: REPLAY_PAGE_SIZE,
      replayed: 0,
      truncated: false,
    });
    // A person with nothing stored at all.
    expect(await replay(await person(), 0)).toMatchObject({ lastSeq: 0, truncated: false });
  });

  it('is truncated when the events right after `since` were purged, and sends what is left', async () => {
    const userId = await person();
    await store(userId, 5);
    await em.execute('delete from user_events where user_id = ? and seq <= 3', [userId]);
    expect(await replay(userId, 1)).toEqual({
      sent: [4, 5],
      through: 5,
      lastSeq: 5,
      replayed: 2,
      truncated: true,
    });
    await em.execute('delete from user_events where user_id = ?', [userId]);
    expect(await replay(userId, 2)).toMatchObject({ sent: [], lastSeq: 5, truncated: true });
    // Nothing after `since` was ever stored: nothing is missing.
    expect(await replay(userId, 5)).toMatchObject({ sent: [], lastSeq: 5, truncated: false });
  });

  it('is truncated when `since` is ahead of the server, and goes on from the server’s lastSeq', async () => {
    // The client saw seqs up to 9 of a database since restored to seq 3: without being told it
    // would drop the next six new events as already seen.
    const userId = await person();
    await store(userId, 3);
    expect(await replay(userId, 9)).toEqual({
      sent: [],
      through: 3,
      lastSeq: 3,
      replayed: 0,
      truncated: true,
    });
    expect(await replay(await person(), 4)).toMatchObject({ lastSeq: 0, truncated: true });
  });

  it('is not truncated by an event committed while it reads (the event comes live)', async () => {
    const userId = await person();
    const [since] = await store(userId, 1);
    // A writer holds user_seq while the replay starts; whichever of the replay's reads needs
    // user_seq waits for it, and the writer commits one more event for the person meanwhile.
    let letGo!: () => void;
    const released = new Promise<void>((resolve) => (letGo = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const writer = em.fork().transactional(async (tx) => {
      await tx.execute('lock table user_seq in access exclusive mode');
      locked();
      await released;
      await store(userId, 1, tx);
    });
    await holding;
    const replaying = replay(userId, since);
    try {
      const blocked = async () =>
        (
          await em.execute<{ n: number }[]>(
            `select count(*)::int as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'
                and query like '%user_seq%' and query like ?`,
            [`%${userId}%`],
          )
        )[0].n > 0;
      for (let i = 0; i < 500 && !(await blocked()); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(await blocked()).toBe(true);
    } finally {
      letGo();
    }
    await writer;
    const result = await replaying;
    // The replay may or may not have read the new event; it was not purged either way.
    expect(result.truncated).toBe(false);
    expect(result.lastSeq).toBe(since + 1);
    expect(result.sent).toEqual(result.replayed === 1 ? [since + 1] : []);
  });
});
