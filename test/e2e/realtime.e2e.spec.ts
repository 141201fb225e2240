import type { Socket } from 'socket.io-client';
import { RealtimePublisher } from '@/realtime/realtime.publisher';
import { rooms } from '@/realtime/realtime.events';
import { connected, connectSocket, startApp, TestApp } from '@test/support/test-app';
import { createUser, TestUser } from '@test/support/users';

function ack<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return socket.timeout(5000).emitWithAck(event, payload) as Promise<T>;
}

describe('realtime gateway (e2e)', () => {
  let app: TestApp;
  let agent: TestUser;
  const sockets: Socket[] = [];
  const open = (auth: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const socket = connectSocket(app.url, auth, headers);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    app = await startApp({ CORS_ORIGINS: 'https://console.example.com' });
    agent = await createUser(app, ['agent', 'supervisor']);
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));
  afterAll(() => app.close());

  it('refuses a handshake without a token', async () => {
    await expect(connected(open({}))).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses a handshake with a bad token', async () => {
    await expect(connected(open({ token: 'not.a.jwt' }))).rejects.toMatchObject({
      data: { code: 'UNAUTHENTICATED' },
    });
  });

  it('refuses a handshake from a foreign origin before any event', async () => {
    const socket = open({ token: agent.token }, { origin: 'https://evil.example.org' });
    await expect(connected(socket)).rejects.toBeInstanceOf(Error);
    expect(socket.connected).toBe(false);
  });

  it('accepts an allowed origin and a client that sends no origin', async () => {
    await connected(open({ token: agent.token }, { origin: 'https://console.example.com' }));
    await connected(open({ token: agent.token }));
  });

  it('joins the user room and every role room, and answers through the acknowledgement', async () => {
    const socket = open({ token: agent.token });
    await connected(socket);
    const res = await ack<{ ok: boolean; data: { rooms: string[] } }>(socket, 'session.whoami', {});
    expect(res.ok).toBe(true);
    expect(res.data.rooms.sort()).toEqual(
      [rooms.role('agent'), rooms.role('supervisor'), rooms.user(agent.id)].sort(),
    );
  });

  it('answers an unknown event with {ok:false, error} instead of silence', async () => {
    const socket = open({ token: agent.token });
    await connected(socket);
    const res = await ack<{ ok: boolean; error: { code: string } }>(socket, 'no.such.event', {
      x: 1,
    });
    expect(res).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_EVENT', message: "Unknown event 'no.such.event'" },
    });
  });

  it('drops a socket that sends a message over 64 KB', async () => {
    const socket = open({ token: agent.token });
    await connected(socket);
    const reason = await new Promise<string>((resolve) => {
      socket.once('disconnect', resolve);
      socket.emit('session.whoami', { blob: 'x'.repeat(70 * 1024) });
    });
    expect(reason).toBe('transport close');
  });
});

describe('two API processes share rooms through Redis (e2e)', () => {
  let first: TestApp;
  let second: TestApp;
  let user: TestUser;
  let socket: Socket;

  beforeAll(async () => {
    [first, second] = await Promise.all([startApp(), startApp()]);
    user = await createUser(first, ['agent']);
    socket = connectSocket(first.url, { token: user.token });
    await connected(socket);
  });
  afterAll(async () => {
    socket.disconnect();
    await Promise.all([first.close(), second.close()]);
  });

  it('delivers an event emitted on the second process to a socket connected to the first', async () => {
    const received = new Promise<unknown>((resolve) => socket.once('system.broadcast', resolve));
    second.app.get(RealtimePublisher).toRooms(rooms.user(user.id), 'system.broadcast', {
      text: 'hello from the other process',
      from: 'test',
      at: new Date().toISOString(),
    });
    await expect(received).resolves.toMatchObject({ text: 'hello from the other process' });
  });
});
