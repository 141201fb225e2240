import type { Response } from 'supertest';
import { startApp, TestApp } from '@test/support/test-app';

const CSP =
  "default-src 'self';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data: blob:;" +
  "connect-src 'self' ws: wss:;font-src 'self' data:;media-src 'self' data: blob:;object-src 'none';" +
  "base-uri 'self';frame-ancestors 'none';form-action 'self'";

function expectSecurityHeaders(res: Response): void {
  expect(res.headers['content-security-policy']).toBe(CSP);
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-powered-by']).toBeUndefined();
}

describe('security headers (e2e)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('are on /api/health', async () => {
    const res = await app.http.get('/api/health');
    expectSecurityHeaders(res);
  });

  it('are on a 404 and on an error answer', async () => {
    const missing = await app.http.get('/api/no-such-route').expect(404);
    expectSecurityHeaders(missing);
    const refused = await app.http.get('/api/me').expect(401);
    expectSecurityHeaders(refused);
  });

  it('send HSTS only for a request that came over HTTPS (here: from a trusted local proxy)', async () => {
    const plain = await app.http.get('/api/health');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const proxied = await app.http.get('/api/health').set('x-forwarded-proto', 'https');
    expect(proxied.headers['strict-transport-security']).toBe(
      'max-age=31536000; includeSubDomains',
    );
  });

  it('serve the OpenAPI page with scripts from files only, which the policy allows', async () => {
    const page = await app.http.get('/api/docs').expect(200);
    expectSecurityHeaders(page);
    const scripts = page.text.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toMatch(/src="[^"]+"/);
    await app.http.get('/api/docs/swagger-ui-init.js').expect(200);
  });
});
