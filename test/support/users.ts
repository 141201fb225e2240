import { randomBytes } from 'node:crypto';
import type { UserRole } from '@/common/auth/roles';
import type { TestApp } from '@test/support/test-app';

export interface TestUser {
  id: string;
  username: string;
  token: string;
  roles: UserRole[];
}

export async function adminToken(app: TestApp): Promise<string> {
  const res = await app.http
    .post('/api/auth/login')
    .send({ username: 'admin', password: 'admin-password' })
    .expect(200);
  return res.body.accessToken as string;
}

/** A new user with the given roles, created through the admin API, and a fresh token. */
export async function createUser(
  app: TestApp,
  roles: UserRole[],
  extra: { extension?: string } = {},
): Promise<TestUser> {
  const admin = await adminToken(app);
  const username = `u_${roles.join('_')}_${randomBytes(4).toString('hex')}`;
  const password = 'test-password-1';
  const created = await app.http
    .post('/api/users')
    .set('authorization', `Bearer ${admin}`)
    .send({ username, password, displayName: username, roles, ...extra })
    .expect(201);
  const login = await app.http.post('/api/auth/login').send({ username, password }).expect(200);
  return {
    id: created.body.id as string,
    username,
    token: login.body.accessToken as string,
    roles,
  };
}

export async function createApiKey(app: TestApp): Promise<string> {
  const admin = await adminToken(app);
  const res = await app.http
    .post('/api/api-keys')
    .set('authorization', `Bearer ${admin}`)
    .send({ name: 'test connector' })
    .expect(201);
  return res.body.key as string;
}
