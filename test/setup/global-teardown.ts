// Global setup runs outside Jest's module mapper, so the @/ aliases are registered here.
import 'tsconfig-paths/register';
import Redis from 'ioredis';
import { Client } from 'pg';
import { RUN_ENV, TestRun } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const run = JSON.parse(process.env[RUN_ENV] ?? '{}') as TestRun;
  if (process.env.KEEP_TEST_DB !== '1') {
    const admin = new Client({ connectionString: run.adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists "${run.databaseName}" with (force)`);
    await admin.end();
  }
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${run.redisPrefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}
