import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Socket } from 'socket.io-client';
import { WorkerModule } from '@workers/worker.module';
import { connected, connectSocket, startApp, TestApp } from '@test/support/test-app';
import { createUser, TestUser } from '@test/support/users';

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; field?: string } };
interface Presence {
  userId: string;
  status: string;
  state: string;
  breakReason: string | null;
}

async function eventually<T>(
  probe: () => Promise<T>,
  accept: (v: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('staff presence (e2e)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let agent: TestUser;
  let receptionist: TestUser;
  const sockets: Socket[] = [];
  const open = async (user: TestUser) => {
    const socket = connectSocket(app.url, { token: user.token });
    sockets.push(socket);
    return connected(socket);
  };

  beforeAll(async () => {
    app = await startApp({ PRESENCE_GRACE_SECONDS: '1' });
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
    agent = await createUser(app, ['agent']);
    receptionist = await createUser(app, ['receptionist']);
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));
  afterAll(async () => {
    await worker.close();
    await app.close();
  });

  it('sets status over the socket, acknowledges it, and tells the console live', async () => {
    const console = await open(receptionist);
    const agentSocket = await open(agent);
    const seen = new Promise<Presence>((resolve) =>
      console.on(
        'staff.changed',
        (p: Presence) => p.userId === agent.id && p.status === 'break' && resolve(p),
      ),
    );
    const res = (await agentSocket
      .timeout(5000)
      .emitWithAck('staff.status', { status: 'break', reason: 'lunch' })) as Ack<Presence>;
    expect(res).toMatchObject({
      ok: true,
      data: { status: 'break', breakReason: 'lunch', state: 'idle' },
    });
    await expect(seen).resolves.toMatchObject({ status: 'break', breakReason: 'lunch' });
  });

  it('answers a bad status through the acknowledgement with the field at fault', async () => {
    const socket = await open(agent);
    const res = (await socket
      .timeout(5000)
      .emitWithAck('staff.status', { status: 'sleeping' })) as Ack<Presence>;
    expect(res).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', field: 'status' } });
  });

  it('sets status over REST as well', async () => {
    const res = await app.http
      .put('/api/me/status')
      .set('authorization', `Bearer ${agent.token}`)
      .send({ status: 'available' })
      .expect(200);
    expect(res.body).toMatchObject({ userId: agent.id, status: 'available', state: 'idle' });
    expect(res.body.idleSince).not.toBeNull();
  });

  it('puts a person offline once every socket has been gone for the grace period, not before', async () => {
    const person = await createUser(app, ['agent']);
    const first = await open(person);
    const second = await open(person);
    await first.timeout(5000).emitWithAck('staff.status', { status: 'available' });
    first.disconnect();
    // One device is still connected: after the grace period the person is still available.
    await new Promise((r) => setTimeout(r, 1800));
    const still = await app.http
      .get('/api/me/status')
      .set('authorization', `Bearer ${person.token}`)
      .expect(200);
    expect(still.body.status).toBe('available');
    second.disconnect();
    const offline = await eventually(
      async () =>
        (await app.http.get('/api/me/status').set('authorization', `Bearer ${person.token}`))
          .body as Presence,
      (p) => p.status === 'offline',
    );
    expect(offline.status).toBe('offline');
  });

  it('lists everyone for the console; agents may not', async () => {
    const list = await app.http
      .get('/api/staff/presence')
      .set('authorization', `Bearer ${receptionist.token}`)
      .expect(200);
    expect((list.body as Presence[]).some((p) => p.userId === agent.id)).toBe(true);
    await app.http
      .get('/api/staff/presence')
      .set('authorization', `Bearer ${agent.token}`)
      .expect(403);
  });
});
