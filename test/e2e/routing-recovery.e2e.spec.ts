import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Socket } from 'socket.io-client';
import { RoutingRecoveryService } from '@/modules/routing/routing-recovery.service';
import { WorkerModule } from '@workers/worker.module';
import { connected, connectSocket, startApp, TestApp } from '@test/support/test-app';
import { adminToken, createUser, TestUser } from '@test/support/users';
import { eventually, nextEvent } from '@test/support/wait';

const suffix = () => randomBytes(3).toString('hex');

interface Decision {
  trigger: string;
  offeredTo: string[];
}

/**
 * A process killed between committing a call (or request) and routing it leaves work nothing
 * routes. The worker's sweep finds it. The lost reaction is staged by hand: the item's routing
 * decisions are deleted and the person is made available in the database, without the events
 * that would have routed it live.
 */
describe('routing recovery (e2e)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  let admin: string;
  let receptionist: TestUser;
  const sockets: Socket[] = [];

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const sql = (query: string, params: unknown[]) =>
    worker.get(MikroORM).em.fork().getConnection().execute(query, params);

  async function offlineMemberOfNewQueue(): Promise<{
    agent: TestUser;
    socket: Socket;
    queue: string;
  }> {
    const agent = await createUser(app, ['agent']);
    const socket = connectSocket(app.url, { token: agent.token });
    sockets.push(socket);
    await connected(socket);
    const queue = `rr-${suffix()}`;
    const created = await app.http
      .post('/api/queues')
      .set(auth(admin))
      .send({ code: queue, name: `Queue ${queue}` })
      .expect(201);
    await app.http
      .put(`/api/queues/${created.body.id}/members/${agent.id}`)
      .set(auth(admin))
      .send({ skillLevel: 5 })
      .expect(200);
    return { agent, socket, queue };
  }

  async function loseRouting(itemId: string, table: 'calls' | 'requests', agentId: string) {
    await sql(`delete from routing_decisions where item_id = ?`, [itemId]);
    await sql(`update ${table} set updated_at = now() - interval '1 minute' where id = ?`, [
      itemId,
    ]);
    await sql(
      `insert into staff_presence (user_id, status, state, state_since, idle_since, updated_at)
       values (?, 'available', 'idle', now(), now(), now())
       on conflict (user_id) do update set status = 'available', state = 'idle'`,
      [agentId],
    );
  }

  const decisions = async (path: string) =>
    (await app.http.get(path).set(auth(receptionist.token)).expect(200)).body as Decision[];

  beforeAll(async () => {
    app = await startApp();
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
    admin = await adminToken(app);
    receptionist = await createUser(app, ['receptionist']);
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));
  afterAll(async () => {
    await worker.close();
    await app.close();
  });

  it('routes a waiting call whose live routing was lost, once', async () => {
    const { agent, socket, queue } = await offlineMemberOfNewQueue();
    const line = `l-${suffix()}`;
    await app.http
      .post('/api/lines')
      .set(auth(admin))
      .send({ code: line, name: 'Line', channels: 10 })
      .expect(201);
    const call = await app.http
      .post('/api/calls')
      .set(auth(receptionist.token))
      .send({ from: '+12025550123', line, queue })
      .expect(201);
    const path = `/api/calls/${call.body.id}/routing`;
    await eventually(
      () => decisions(path),
      (d) => d.length > 0,
    );
    await loseRouting(call.body.id, 'calls', agent.id);

    const offered = nextEvent<{ kind: string; item: { id: string } }>(socket, 'offer');
    // The worker's own scheduled sweep may get there first; either way it is the sweep's work.
    const recovery = worker.get(RoutingRecoveryService);
    await recovery.sweep();
    expect(await offered).toMatchObject({ kind: 'call', item: { id: call.body.id } });
    expect(await decisions(path)).toEqual([
      expect.objectContaining({ trigger: 'recovery', offeredTo: [agent.id] }),
    ]);
    // Routed now (it has a decision and a pending offer): the next sweep leaves it alone.
    await recovery.sweep();
    expect(await decisions(path)).toHaveLength(1);
  });

  it('routes an unheld request whose live routing was lost', async () => {
    const { agent, socket, queue } = await offlineMemberOfNewQueue();
    const request = await app.http
      .post('/api/requests')
      .set(auth(receptionist.token))
      .send({ channel: 'web', subject: 'Lost on the way', queue })
      .expect(201);
    const path = `/api/requests/${request.body.id}/routing`;
    await eventually(
      () => decisions(path),
      (d) => d.length > 0,
    );
    await loseRouting(request.body.id, 'requests', agent.id);

    const offered = nextEvent<{ kind: string; item: { id: string } }>(socket, 'offer');
    await worker.get(RoutingRecoveryService).sweep();
    expect(await offered).toMatchObject({ kind: 'request', item: { id: request.body.id } });
    expect(await decisions(path)).toEqual([
      expect.objectContaining({ trigger: 'recovery', offeredTo: [agent.id] }),
    ]);
  });
});
