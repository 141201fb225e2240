import { randomUUID } from 'node:crypto';
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
