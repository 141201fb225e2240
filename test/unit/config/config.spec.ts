import { ConfigError, loadConfig, redactUrl } from '@/config/app-config';

describe('config', () => {
  it('works with no variables at all on a developer machine', () => {
    const config = loadConfig({});
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/switchboard');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.http.port).toBe(3000);
    expect(config.auth.bootstrapAdmin).toBeNull();
  });

  it('lists every wrong variable in one message, one per line', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', DEFAULT_TIME_ZONE: 'Mars/Olympus' }),
    ).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', DEFAULT_TIME_ZONE: 'Mars/Olympus' });
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toMatch(/^Invalid configuration:/);
      expect(message).toMatch(/PORT: /);
      expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
      expect(message).toMatch(/DEFAULT_TIME_ZONE: must be an IANA time zone/);
    }
  });

  it('refuses the development JWT secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET: must be set to a private value/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) })).not.toThrow();
  });

  it('needs ADMIN_USERNAME and ADMIN_PASSWORD together', () => {
    expect(() => loadConfig({ ADMIN_USERNAME: 'root' })).toThrow(
      /ADMIN_USERNAME and ADMIN_PASSWORD go together/,
    );
    expect(
      loadConfig({ ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'long-password' }).auth.bootstrapAdmin,
    ).toEqual({
      username: 'root',
      password: 'long-password',
    });
  });

  it('parses the origin allow-list', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example,' }).realtime.corsOrigins,
    ).toEqual(['https://a.example', 'https://b.example']);
  });

  it('never shows a password from a URL', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/x')).toBe('postgres://app:***@db:5432/x');
    expect(loadConfig({ REDIS_URL: 'redis://:hunter2@cache:6379' }).redisLocation).not.toContain(
      'hunter2',
    );
  });
});
