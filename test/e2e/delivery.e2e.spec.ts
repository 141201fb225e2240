import { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { UserEventInput } from '@/modules/notifications/delivery/delivery.events';
import { UserEventsService } from '@/modules/notifications/delivery/user-events.service';
import { EventRecorder } from '@test/support/event-recorder';
import { startApp, TestApp } from '@test/support/test-app';
import { createUser, TestUser } from '@test/support/users';

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; field?: string } };
interface SyncDone {
  since: number | null;
  lastSeq: number;
  replayed: number;
  truncated: boolean;
}

describe('delivery contract: sync (e2e)', () => {
  let app: TestApp;
  const recorders: EventRecorder[] = [];
  const record = (user: TestUser, extra: Record<string, unknown> = {}, url = app.url) => {
    const r = new EventRecorder(url, { token: user.token, ...extra });
    recorders.push(r);
    return r;
  };
  const directRoom = async (a: TestUser, b: TestUser): Promise<string> =>
    (
      await app.http
        .post('/api/chat/rooms')
        .set({ authorization: `Bearer ${a.token}` })
        .send({ kind: 'direct', memberIds: [b.id] })
        .expect(201)
    ).body.id as string;

  beforeAll(async () => {
    app = await startApp();
  });
  afterEach(() => recorders.splice(0).forEach((r) => r.close()));
  afterAll(() => app.close());

  it('replays what follows `since` in seq order on `sync`, then sync.done, answered with the same', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const roomId = await directRoom(a, b);
    const sender = record(a);
    const recipient = record(b);
    const [, { lastSeq }] = await Promise.all([sender.synced(), recipient.synced()]);
    for (let i = 0; i < 3; i++) {
      const res = await sender.ack<Ack<unknown>>('chat.send', {
        roomId,
        clientMsgId: randomUUID(),
        text: `s${i}`,
      });
      expect(res.ok).toBe(true);
    }
    await recipient.waitFor(() => recipient.persisted().length >= 3);
    recipient.events.splice(0);

    const res = await recipient.ack<Ack<SyncDone>>('sync', { since: lastSeq + 1 });
    expect(res).toEqual({
      ok: true,
      data: { since: lastSeq + 1, lastSeq: lastSeq + 3, replayed: 2, truncated: false },
    });
    expect(recipient.events.map((e) => [e.name, e.payload.seq ?? null])).toEqual([
      ['chat.message', lastSeq + 2],
      ['chat.message', lastSeq + 3],
      ['sync.done', null],
    ]);
    expect(recipient.events[2].payload).toEqual(res.ok && res.data);
  });

  it('refuses a `sync` without a usable `since`', async () => {
    const user = await createUser(app, ['agent']);
    const socket = record(user);
    await socket.synced();
    for (const payload of [{}, { since: -1 }, { since: 1.5 }, { since: 'x' }, { since: 0, x: 1 }]) {
      expect(await socket.ack<Ack<unknown>>('sync', payload)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
    }
  });
});

describe('delivery contract: a replay and live events from another process (e2e)', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    [first, second] = await Promise.all([startApp(), startApp()]);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  /** Stores `count` events for the user through `app` and pushes them live from there. */
  async function store(app: TestApp, userId: string, count: number): Promise<number[]> {
    const events = app.app.get(UserEventsService);
    const inputs = Array.from({ length: count }, (): UserEventInput => ({
      userId,
      name: 'notification.created',
      payload: { id: randomUUID(), kind: 'broadcast', title: 'load' } as never,
    }));
    const stored = await app.app
      .get(EntityManager)
      .fork()
      .transactional((tx) => events.append(tx, inputs));
    events.publish(stored);
    return stored.map((e) => e.seq);
  }

  it('holds live events published during a long replay and sends them after sync.done, in seq order', async () => {
    const user = await createUser(first, ['agent']);
    const backlog = await store(first, user.id, 5000);
    const received: number[] = [];
    const distinct = new Set<number>();
    let syncedAt = -1;
    let live: Promise<number[]>[] = [];
    let publishing = true;
    const socket = new EventRecorder(first.url, { token: user.token, since: 0 });
    try {
      let started = false;
      socket.socket.onAny((name: string, payload: { seq?: number }) => {
        if (name === 'sync.done') syncedAt = received.length;
        if (typeof payload?.seq !== 'number') return;
        received.push(payload.seq);
        distinct.add(payload.seq);
        if (started) return;
        started = true;
        // The replay is under way: the other process commits and publishes while it runs.
        for (let lane = 0; lane < 3; lane++) {
          void (async () => {
            while (publishing) {
              live.push(store(second, user.id, 1));
              await live[live.length - 1];
            }
          })();
        }
      });
      await socket.synced(20_000);
      publishing = false;
      const liveSeqs = (await Promise.all(live)).flat();
      live = [];
      const total = backlog.length + liveSeqs.length;
      const deadline = Date.now() + 10_000;
      while (distinct.size < total && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const missing = Array.from({ length: total }, (_, i) => i + 1).filter(
        (q) => !distinct.has(q),
      );
      expect(missing).toEqual([]);
      expect(liveSeqs.length).toBeGreaterThan(0);
      // In seq order: never a seq past the next one. A live event whose commit the replay had
      // already read may still come again afterwards; the client drops it (seq <= last).
      let highest = 0;
      const early: number[] = [];
      for (const seq of received) {
        if (seq > highest + 1) early.push(seq);
        highest = Math.max(highest, seq);
      }
      expect(early).toEqual([]);
      expect([...new Set(received)]).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      // Whatever the replay did not send itself came after sync.done.
      expect(syncedAt).toBeGreaterThanOrEqual(backlog.length);
    } finally {
      publishing = false;
      await Promise.all(live);
      socket.close();
    }
  });

  it('keeps the order of a burst published in one tick by another process (one auto-pipelined write)', async () => {
    const user = await createUser(first, ['agent']);
    const socket = new EventRecorder(first.url, { token: user.token });
    try {
      const { lastSeq } = await socket.synced();
      const seqs = await store(second, user.id, 1000);
      await socket.waitFor(() => socket.persisted().length >= seqs.length);
      expect(socket.persisted().map((e) => e.seq)).toEqual(
        Array.from({ length: 1000 }, (_, i) => lastSeq + 1 + i),
      );
    } finally {
      socket.close();
    }
  });
});
