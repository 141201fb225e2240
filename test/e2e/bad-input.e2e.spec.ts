import { adminToken } from '@test/support/users';
import { startApp, TestApp } from '@test/support/test-app';

describe('bad input (e2e)', () => {
  let app: TestApp;
  let admin: string;
  beforeAll(async () => {
    app = await startApp();
    admin = await adminToken(app);
  });
  afterAll(() => app.close());

  const post = (path: string) => app.http.post(path).set('authorization', `Bearer ${admin}`);

  it('malformed JSON → 400 MALFORMED_JSON', async () => {
    const res = await post('/api/users')
      .set('content-type', 'application/json')
      .send('{"username": ')
      .expect(400);
    expect(res.body.error.code).toBe('MALFORMED_JSON');
  });

  it('unknown field → 400 VALIDATION_FAILED naming the field', async () => {
    const res = await post('/api/api-keys').send({ name: 'k', isAdmin: true }).expect(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'isAdmin' });
  });

  it('wrong type → 400 VALIDATION_FAILED naming the field', async () => {
    const res = await post('/api/users')
      .send({ username: 'typed_user', password: 'long-enough', displayName: 'T', roles: 'admin' })
      .expect(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'roles' });
  });

  it('unknown role value → 400 naming roles', async () => {
    const res = await post('/api/users')
      .send({ username: 'typed_user2', password: 'long-enough', displayName: 'T', roles: ['root'] })
      .expect(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'roles' });
  });

  it('body over 1 MB → 413 PAYLOAD_TOO_LARGE, and nothing is written', async () => {
    const res = await post('/api/api-keys')
      .send({ name: 'x'.repeat(1024 * 1024 + 10) })
      .expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('unknown id → 404 NOT_FOUND; malformed id → 400', async () => {
    const missing = await app.http
      .get('/api/users/00000000-0000-4000-8000-000000000000')
      .set('authorization', `Bearer ${admin}`)
      .expect(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const malformed = await app.http
      .get('/api/users/not-a-uuid')
      .set('authorization', `Bearer ${admin}`)
      .expect(400);
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('unknown route → 404 ROUTE_NOT_FOUND', async () => {
    const res = await app.http.get('/api/no-such-thing').expect(404);
    expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('no token → 401, wrong role → 403', async () => {
    const anonymous = await app.http.get('/api/users').expect(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('a failing request leaves no half-written user (validation runs before any write)', async () => {
    await post('/api/users')
      .send({ username: 'half_written', password: 'short', displayName: 'H', roles: ['agent'] })
      .expect(400);
    const list = await app.http
      .get('/api/users?limit=200')
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect(
      (list.body.items as { username: string }[]).some((u) => u.username === 'half_written'),
    ).toBe(false);
  });

  it('answers every error with a stable JSON shape and a request id header-free body', async () => {
    const res = await app.http.get('/api/me').expect(401);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message']);
  });
});
