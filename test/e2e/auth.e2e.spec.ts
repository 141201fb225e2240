import { adminToken, createApiKey, createUser } from '@test/support/users';
import { startApp, TestApp } from '@test/support/test-app';

describe('auth (e2e)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('logs the bootstrap admin in and returns a JWT with its expiry', async () => {
    const res = await app.http
      .post('/api/auth/login')
      .send({ username: 'ADMIN', password: 'admin-password' })
      .expect(200);
    expect(res.body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const expiresIn = Date.parse(res.body.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(11 * 3600 * 1000);
    expect(expiresIn).toBeLessThanOrEqual(12 * 3600 * 1000);
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    const wrong = await app.http
      .post('/api/auth/login')
      .send({ username: 'admin', password: 'nope-nope' })
      .expect(401);
    const unknown = await app.http
      .post('/api/auth/login')
      .send({ username: 'ghost', password: 'nope-nope' })
      .expect(401);
    expect(wrong.body.error).toEqual({
      code: 'INVALID_CREDENTIALS',
      message: 'Wrong username or password',
    });
    expect(unknown.body.error).toEqual(wrong.body.error);
  });

  it('creates users with roles; /me answers who is asking', async () => {
    const agent = await createUser(app, ['agent'], { extension: `7${Date.now() % 100000}` });
    const me = await app.http
      .get('/api/me')
      .set('authorization', `Bearer ${agent.token}`)
      .expect(200);
    expect(me.body).toMatchObject({
      id: agent.id,
      username: agent.username,
      roles: ['agent'],
      active: true,
    });
    expect(me.body).not.toHaveProperty('passwordHash');
  });

  it('refuses log-in to a deactivated user', async () => {
    const agent = await createUser(app, ['agent']);
    const admin = await adminToken(app);
    await app.http
      .patch(`/api/users/${agent.id}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ active: false })
      .expect(200);
    await app.http
      .post('/api/auth/login')
      .send({ username: agent.username, password: 'test-password-1' })
      .expect(401);
  });

  it('rejects a duplicate username with 409 and leaves the first user intact', async () => {
    const agent = await createUser(app, ['agent']);
    const admin = await adminToken(app);
    const res = await app.http
      .post('/api/users')
      .set('authorization', `Bearer ${admin}`)
      .send({
        username: agent.username.toUpperCase(),
        password: 'another-pass',
        displayName: 'Dup',
        roles: ['agent'],
      })
      .expect(409);
    expect(res.body.error.code).toBe('ALREADY_EXISTS');
    await app.http
      .post('/api/auth/login')
      .send({ username: agent.username, password: 'test-password-1' })
      .expect(200);
  });

  it('rejects tampered and expired-looking tokens with 401', async () => {
    const agent = await createUser(app, ['agent']);
    const [header, payload] = agent.token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    const res = await app.http.get('/api/me').set('authorization', `Bearer ${forged}`).expect(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  describe('API keys', () => {
    it('shows the key once, lists it without the secret, and accepts it as X-API-Key for connector routes', async () => {
      const admin = await adminToken(app);
      const created = await app.http
        .post('/api/api-keys')
        .set('authorization', `Bearer ${admin}`)
        .send({ name: 'pbx' })
        .expect(201);
      expect(created.body.key).toMatch(/^sbk_/);
      const list = await app.http
        .get('/api/api-keys')
        .set('authorization', `Bearer ${admin}`)
        .expect(200);
      const listed = (list.body as { id: string }[]).find((k) => k.id === created.body.id);
      expect(listed).toMatchObject({ name: 'pbx', prefix: created.body.prefix, revokedAt: null });
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);
      // A connector key is not a user: /me is for users only.
      const me = await app.http.get('/api/me').set('x-api-key', created.body.key).expect(403);
      expect(me.body.error.code).toBe('FORBIDDEN');
    });

    it('refuses a revoked key', async () => {
      const key = await createApiKey(app);
      const admin = await adminToken(app);
      const list = await app.http
        .get('/api/api-keys')
        .set('authorization', `Bearer ${admin}`)
        .expect(200);
      const id = (list.body as { id: string; prefix: string }[]).find((k) =>
        key.startsWith(k.prefix),
      )!.id;
      await app.http
        .delete(`/api/api-keys/${id}`)
        .set('authorization', `Bearer ${admin}`)
        .expect(204);
      const res = await app.http.get('/api/me').set('x-api-key', key).expect(401);
      expect(res.body.error.code).toBe('INVALID_API_KEY');
    });

    it('refuses an unknown key', async () => {
      const res = await app.http.get('/api/me').set('x-api-key', 'sbk_not-a-real-key').expect(401);
      expect(res.body.error.code).toBe('INVALID_API_KEY');
    });
  });
});

describe('login rate limit (e2e)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ LOGIN_ATTEMPTS_PER_MINUTE: '3' });
  });
  afterAll(() => app.close());

  it('answers 429 RATE_LIMITED after the configured attempts per minute', async () => {
    const username = `ratelimited_${Date.now()}`;
    for (let i = 0; i < 3; i++) {
      await app.http.post('/api/auth/login').send({ username, password: 'wrong-pass' }).expect(401);
    }
    const res = await app.http
      .post('/api/auth/login')
      .send({ username, password: 'wrong-pass' })
      .expect(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
  });

  it('counts failed attempts only: a receptionist who signs in again and again is never locked out', async () => {
    const user = await createUser(app, ['receptionist']);
    const password = 'test-password-1'; // what createUser sets
    for (let i = 0; i < 5; i++) {
      await app.http
        .post('/api/auth/login')
        .send({ username: user.username, password })
        .expect(200);
    }
    for (let i = 0; i < 3; i++) {
      await app.http
        .post('/api/auth/login')
        .send({ username: user.username, password: 'wrong-pass' })
        .expect(401);
    }
    const locked = await app.http
      .post('/api/auth/login')
      .send({ username: user.username, password })
      .expect(429);
    expect(locked.body.error.code).toBe('RATE_LIMITED');
  });
});
