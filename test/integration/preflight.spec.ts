import { loadConfig } from '@/config/app-config';
import { preflight } from '@/common/startup/preflight';

describe('preflight', () => {
  it('names PostgreSQL, where it looked, and how to start it, in one line', async () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app:secret@127.0.0.1:1/nowhere' });
    const err = (await preflight(config).catch((e: unknown) => e)) as Error;
    expect(err.message.split('\n')).toHaveLength(1);
    expect(err.message).toMatch(
      /^Cannot reach PostgreSQL at postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/nowhere \(ECONNREFUSED\): start it/,
    );
    expect(err.message).not.toContain('secret');
  });

  it('names Redis when PostgreSQL is fine but Redis is not', async () => {
    const config = loadConfig({
      DATABASE_URL: process.env.DATABASE_URL,
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    const err = (await preflight(config).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(
      /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): start it/,
    );
  });

  it('passes when both are up', async () => {
    await expect(
      preflight(loadConfig({ DATABASE_URL: process.env.DATABASE_URL })),
    ).resolves.toBeUndefined();
  });
});
