import { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { User } from '@/modules/staff/entities/user.entity';
import { TokenService } from '@/modules/auth/token.service';
import type { TestApp } from '@test/support/test-app';

/**
 * Builds a small front office through the API with one admin token. The token is issued by the
 * app's TokenService rather than by a log-in: every web test file signs in as `admin`, and one
 * of them lowers the log-in rate limit to test its message.
 */
export class World {
  private constructor(
    readonly app: TestApp,
    readonly adminToken: string,
    readonly apiKey: string,
  ) {}

  static async create(app: TestApp): Promise<World> {
    const admin = await app.app
      .get(EntityManager)
      .fork()
      .findOneOrFail(User, { username: 'admin' });
    const { accessToken: token } = await app.app.get(TokenService).issue(admin);
    const key = await app.http
      .post('/api/api-keys')
      .set('authorization', `Bearer ${token}`)
      .send({ name: 'web tests' })
      .expect(201);
    return new World(app, token, key.body.key as string);
  }

  private post(path: string, body: object) {
    return this.app.http.post(path).set('authorization', `Bearer ${this.adminToken}`).send(body);
  }

  async user(
    roles: string[],
    displayName: string,
  ): Promise<{ id: string; username: string; password: string; displayName: string }> {
    const username = `u_${roles[0]}_${randomBytes(3).toString('hex')}`;
    const password = 'test-password-1';
    const res = await this.post('/api/users', { username, password, displayName, roles }).expect(
      201,
    );
    return { id: res.body.id as string, username, password, displayName };
  }

  async token(user: { username: string; password: string }): Promise<string> {
    const res = await this.app.http
      .post('/api/auth/login')
      .send({ username: user.username, password: user.password })
      .expect(200);
    return res.body.accessToken as string;
  }

  async line(): Promise<string> {
    const code = `l-${randomBytes(3).toString('hex')}`;
    await this.post('/api/lines', { code, name: `Main line ${code}`, channels: 30 }).expect(201);
    return code;
  }

  async queue(name: string, members: { id: string }[]): Promise<string> {
    const code = `q-${randomBytes(3).toString('hex')}`;
    const res = await this.post('/api/queues', { code, name, strategy: 'longest-idle' }).expect(
      201,
    );
    for (const m of members) {
      await this.app.http
        .put(`/api/queues/${res.body.id}/members/${m.id}`)
        .set('authorization', `Bearer ${this.adminToken}`)
        .send({ skillLevel: 5 })
        .expect(200);
    }
    return code;
  }

  /** A client whose contact person calls from `phone`, with a curator. */
  async client(name: string, contact: string, phone: string, curatorId: string): Promise<string> {
    const client = await this.post('/api/clients', { name, curatorId }).expect(201);
    await this.post(`/api/clients/${client.body.id}/contacts`, {
      name: contact,
      position: 'Office manager',
      phones: [phone],
    }).expect(201);
    return client.body.id as string;
  }

  /** A telephony connector's batch: the call arrives and waits in `queue`. */
  async callArrives(line: string, queue: string, from: string): Promise<string> {
    const callId = `web-${randomBytes(4).toString('hex')}`;
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const res = await this.app.http
      .post('/api/telephony/events')
      .set('x-api-key', this.apiKey)
      .send([
        {
          id: `${callId}-1`,
          callId,
          type: 'arrived',
          at: at(-2000),
          line,
          from,
          to: '+12015550100',
        },
        { id: `${callId}-2`, callId, type: 'queued', at: at(-1000), line, from, queue },
      ])
      .expect(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
      'accepted',
      'accepted',
    ]);
    return callId;
  }

  /** A caller who hung up before anyone answered: an unfinished contact. */
  async abandonedCall(line: string, from: string): Promise<void> {
    const callId = `web-${randomBytes(4).toString('hex')}`;
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    await this.app.http
      .post('/api/telephony/events')
      .set('x-api-key', this.apiKey)
      .send([
        { id: `${callId}-1`, callId, type: 'arrived', at: at(-5000), line, from },
        { id: `${callId}-2`, callId, type: 'abandoned', at: at(-1000), line, from },
      ])
      .expect(200);
  }
}
