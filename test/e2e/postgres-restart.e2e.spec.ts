import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { prepareDatabase } from '@/bootstrap';
import { loadConfig } from '@/config/app-config';
import { OwnPostgres } from '@test/support/postgres-server';
import { connected, connectSocket, startApp, TestApp } from '@test/support/test-app';
import { createUser, TestUser } from '@test/support/users';
import { eventually } from '@test/support/wait';

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string } };

/**
 * Issue 10: a PostgreSQL restart. The API keeps running, answers 503 SERVICE_UNAVAILABLE (never
 * a 500, never a hang) while the database is away, and works again as soon as it is back, with
 * everything it acknowledged still there. The cluster is this test's own.
 */
describe('a PostgreSQL restart (e2e)', () => {
  let pg: OwnPostgres;
  let app: TestApp;
  const crashes: unknown[] = [];
  const onCrash = (err: unknown) => crashes.push(err);

  beforeAll(async () => {
    pg = await OwnPostgres.start();
    await prepareDatabase(
      loadConfig({ ...process.env, DATABASE_URL: pg.url, MIGRATE_ON_START: 'true' }),
    );
    // A short acquire timeout keeps the test fast; the default (5 s) behaves the same.
    app = await startApp({ DATABASE_URL: pg.url, DATABASE_ACQUIRE_TIMEOUT_MS: '1000' });
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
  }, 60_000);
  afterAll(async () => {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
    await app?.close();
    await pg?.close();
  });

  it('answers 503 SERVICE_UNAVAILABLE over HTTP and sockets while it is down, and recovers with nothing lost', async () => {
    const [a, b]: TestUser[] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const auth = { authorization: `Bearer ${a.token}` };
    const room = (
      await app.http
        .post('/api/chat/rooms')
        .set(auth)
        .send({ kind: 'direct', memberIds: [b.id] })
        .expect(201)
    ).body as { id: string };
    const socket: Socket = connectSocket(app.url, { token: a.token });
    await connected(socket);
    const send = (text: string) =>
      socket.timeout(30_000).emitWithAck('chat.send', {
        roomId: room.id,
        clientMsgId: randomUUID(),
        text,
      }) as Promise<Ack<{ id: string }>>;
    const before = await send('before the restart');
    expect(before.ok).toBe(true);

    await pg.stop();
    try {
      for (const path of ['/api/chat/rooms', `/api/chat/rooms/${room.id}/messages`]) {
        const res = await app.http.get(path).set(auth);
        expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({
          path,
          status: 503,
          code: 'SERVICE_UNAVAILABLE',
        });
      }
      const write = await app.http
        .post('/api/chat/rooms')
        .set(auth)
        .send({ kind: 'group', title: 'during the outage', memberIds: [b.id] });
      expect([write.status, write.body?.error?.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      expect(await send('during the outage')).toMatchObject({
        ok: false,
        error: { code: 'SERVICE_UNAVAILABLE' },
      });
      const health = await app.http.get('/api/health');
      expect(health.status).toBe(503);
    } finally {
      await pg.resume();
    }

    // Within 10 s of the database coming back, the same requests succeed again.
    await eventually(
      async () => (await app.http.get('/api/chat/rooms').set(auth)).status,
      (status) => status === 200,
      10_000,
    );
    const after = await send('after the restart');
    expect(after.ok).toBe(true);
    expect(socket.connected).toBe(true);
    const history = await app.http.get(`/api/chat/rooms/${room.id}/messages`).set(auth).expect(200);
    expect(history.body.items.map((m: { text: string }) => m.text)).toEqual([
      'after the restart',
      'before the restart',
    ]);
    await eventually(
      async () => (await app.http.get('/api/health')).status,
      (status) => status === 200,
      10_000,
    );
    socket.disconnect();
    expect(crashes).toEqual([]);
  });
});
