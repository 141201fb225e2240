import type { Socket } from 'socket.io-client';
import { EntityManager } from '@mikro-orm/postgresql';
import { AccessInvalidationBus } from '@/modules/auth/access-invalidation';
import { User } from '@/modules/staff/entities/user.entity';
import { adminToken, createApiKey, createUser, TestUser } from '@test/support/users';
import { connected, connectSocket, startApp, TestApp } from '@test/support/test-app';
import { nextEvent } from '@test/support/wait';

interface Revoked {
  reason: string;
  disconnect: string;
}

/** What an open socket is told before the server closes it. */
function revocation(socket: Socket): Promise<Revoked> {
  return new Promise((resolve) => {
    let reason = '(no session.revoked)';
    socket.once('session.revoked', (payload: { reason: string }) => {
      reason = payload.reason;
    });
    socket.once('disconnect', (disconnect: string) => resolve({ reason, disconnect }));
  });
}

/**
 * Resolves when the app's process has been told (over Redis) to forget the account or the API
 * keys. Another process's next request may in principle overtake that message by a moment; the
 * tests assert what the process does once told, not a race.
 */
function told(app: TestApp, what: { userId: string } | 'api-keys'): Promise<void> {
  return new Promise((resolve) => {
    app.app.get(AccessInvalidationBus).onInvalidate((message) => {
      if (
        what === 'api-keys'
          ? message.type === 'api-keys'
          : message.type === 'user' && message.userId === what.userId
      )
        resolve();
    });
  });
}

async function connectedSocket(app: TestApp, token: string): Promise<Socket> {
  return connected(connectSocket(app.url, { token }));
}

async function connectError(app: TestApp, token: string): Promise<string> {
  const socket = connectSocket(app.url, { token });
  try {
    await connected(socket);
    return 'connected';
  } catch (err) {
    return (err as { data?: { code?: string } }).data?.code ?? String(err);
  } finally {
    socket.disconnect();
  }
}

/**
 * Access follows the account at once, in every API process: a change made through one process
 * is refused on the next request to the other, and open sockets on both are told why and closed.
 */
describe('sessions follow the account (e2e, two API processes)', () => {
  let first: TestApp;
  let second: TestApp;
  let admin: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [first, second] = await Promise.all([startApp(), startApp()]);
    admin = await adminToken(first);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all([first.close(), second.close()]);
  });

  /** The user's token is known to both processes (cached), and a socket is open on each. */
  async function signedInEverywhere(
    user: TestUser,
  ): Promise<{ onFirst: Promise<Revoked>; onSecond: Promise<Revoked> }> {
    for (const app of [first, second]) {
      await app.http.get('/api/me').set('authorization', `Bearer ${user.token}`).expect(200);
    }
    const [a, b] = await Promise.all([
      connectedSocket(first, user.token),
      connectedSocket(second, user.token),
    ]);
    sockets.push(a, b);
    return { onFirst: revocation(a), onSecond: revocation(b) };
  }

  async function me(app: TestApp, token: string, status: number): Promise<string | undefined> {
    const res = await app.http
      .get('/api/me')
      .set('authorization', `Bearer ${token}`)
      .expect(status);
    return (res.body as { error?: { code: string } }).error?.code;
  }

  it('deactivation: the next request is 401 ACCOUNT_INACTIVE and open sockets are closed with the reason', async () => {
    const agent = await createUser(first, ['agent']);
    const { onFirst, onSecond } = await signedInEverywhere(agent);

    await first.http
      .patch(`/api/users/${agent.id}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ active: false })
      .expect(200);

    expect(await me(first, agent.token, 401)).toBe('ACCOUNT_INACTIVE');
    await expect(onFirst).resolves.toEqual({
      reason: 'deactivated',
      disconnect: 'io server disconnect',
    });
    await expect(onSecond).resolves.toEqual({
      reason: 'deactivated',
      disconnect: 'io server disconnect',
    });
    expect(await me(second, agent.token, 401)).toBe('ACCOUNT_INACTIVE');
    expect(await connectError(second, agent.token)).toBe('ACCOUNT_INACTIVE');

    // Reactivation does not bring the old token back: the person logs in again.
    const reactivated = told(second, { userId: agent.id });
    await first.http
      .patch(`/api/users/${agent.id}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ active: true })
      .expect(200);
    await reactivated;
    expect(await me(second, agent.token, 401)).toBe('SESSION_REVOKED');
    const login = await second.http
      .post('/api/auth/login')
      .send({ username: agent.username, password: 'test-password-1' })
      .expect(200);
    await me(first, login.body.accessToken as string, 200);
  });

  it('a removed role stops at once; the token stays valid and sockets reconnect into the new rooms', async () => {
    const person = await createUser(first, ['supervisor', 'agent']);
    await second.http.get('/api/users').set('authorization', `Bearer ${person.token}`).expect(200);
    const { onSecond } = await signedInEverywhere(person);

    await first.http
      .patch(`/api/users/${person.id}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ roles: ['agent'] })
      .expect(200);

    await expect(onSecond).resolves.toEqual({
      reason: 'roles_changed',
      disconnect: 'io server disconnect',
    });
    const refused = await second.http
      .get('/api/users')
      .set('authorization', `Bearer ${person.token}`)
      .expect(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    const profile = await second.http
      .get('/api/me')
      .set('authorization', `Bearer ${person.token}`)
      .expect(200);
    expect(profile.body.roles).toEqual(['agent']);

    const again = await connectedSocket(second, person.token);
    sockets.push(again);
    const whoami = (await again.emitWithAck('session.whoami', {})) as {
      ok: boolean;
      data: { principal: { roles: string[] }; rooms: string[] };
    };
    expect(whoami.data.principal.roles).toEqual(['agent']);
    expect(whoami.data.rooms).not.toContain('role:supervisor');
    expect(whoami.data.rooms).toContain('role:agent');
  });

  it('a password change refuses the old token everywhere; the new password works', async () => {
    const agent = await createUser(first, ['agent']);
    const { onFirst, onSecond } = await signedInEverywhere(agent);

    await first.http
      .patch(`/api/users/${agent.id}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ password: 'a-brand-new-password' })
      .expect(200);

    expect(await me(first, agent.token, 401)).toBe('SESSION_REVOKED');
    await expect(onFirst).resolves.toMatchObject({ reason: 'password_changed' });
    await expect(onSecond).resolves.toMatchObject({ reason: 'password_changed' });
    expect(await me(second, agent.token, 401)).toBe('SESSION_REVOKED');
    expect(await connectError(first, agent.token)).toBe('SESSION_REVOKED');
    const login = await second.http
      .post('/api/auth/login')
      .send({ username: agent.username, password: 'a-brand-new-password' })
      .expect(200);
    await me(first, login.body.accessToken as string, 200);
  });

  it('an admin signs a person out everywhere; a fresh log-in works again', async () => {
    const agent = await createUser(first, ['agent']);
    const { onFirst, onSecond } = await signedInEverywhere(agent);

    await first.http
      .post(`/api/users/${agent.id}/sessions/revoke`)
      .set('authorization', `Bearer ${admin}`)
      .expect(204);

    await expect(onFirst).resolves.toMatchObject({ reason: 'signed_out' });
    await expect(onSecond).resolves.toMatchObject({ reason: 'signed_out' });
    expect(await me(second, agent.token, 401)).toBe('SESSION_REVOKED');
    const login = await first.http
      .post('/api/auth/login')
      .send({ username: agent.username, password: 'test-password-1' })
      .expect(200);
    await me(second, login.body.accessToken as string, 200);

    const unknown = await first.http
      .post('/api/users/00000000-0000-4000-8000-000000000000/sessions/revoke')
      .set('authorization', `Bearer ${admin}`)
      .expect(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });

  it('a person signs themselves out everywhere, this token included', async () => {
    const agent = await createUser(first, ['agent']);
    const { onSecond } = await signedInEverywhere(agent);
    await first.http
      .post('/api/me/sessions/revoke')
      .set('authorization', `Bearer ${agent.token}`)
      .expect(204);
    expect(await me(first, agent.token, 401)).toBe('SESSION_REVOKED');
    await expect(onSecond).resolves.toMatchObject({ reason: 'signed_out' });
    expect(await me(second, agent.token, 401)).toBe('SESSION_REVOKED');
  });

  it('refuses a socket event once the account changed, even if the socket missed the broadcast', async () => {
    const agent = await createUser(first, ['agent']);
    const socket = await connectedSocket(second, agent.token);
    sockets.push(socket);
    const before = (await socket.emitWithAck('session.whoami', {})) as { ok: boolean };
    expect(before.ok).toBe(true);

    // A change written by some other way, announced only as a cache invalidation: the socket
    // gets no session.revoked, so its next event is what must be refused.
    await first.app
      .get(EntityManager)
      .fork()
      .nativeUpdate(User, { id: agent.id }, { tokenVersion: 7 });
    const known = told(second, { userId: agent.id });
    await first.app.get(AccessInvalidationBus).publish({ type: 'user', userId: agent.id });
    await known;

    const closed = nextEvent<string>(socket, 'disconnect');
    const after = (await socket.emitWithAck('session.whoami', {})) as {
      ok: boolean;
      error: { code: string };
    };
    expect(after).toMatchObject({ ok: false, error: { code: 'SESSION_REVOKED' } });
    await expect(closed).resolves.toBe('io server disconnect');
  });

  it('a revoked API key stops at once in the other process too', async () => {
    const key = await createApiKey(first);
    // 403: the key is known (cached) on the second process; /me is for users only.
    await second.http.get('/api/me').set('x-api-key', key).expect(403);
    const list = await first.http
      .get('/api/api-keys')
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    const id = (list.body as { id: string; prefix: string }[]).find((k) =>
      key.startsWith(k.prefix),
    )!.id;
    const revoked = told(second, 'api-keys');
    await first.http
      .delete(`/api/api-keys/${id}`)
      .set('authorization', `Bearer ${admin}`)
      .expect(204);
    await revoked;
    const res = await second.http.get('/api/me').set('x-api-key', key).expect(401);
    expect(res.body.error.code).toBe('INVALID_API_KEY');
  });
});
