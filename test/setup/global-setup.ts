// Global setup runs outside Jest's module mapper, so the @/ aliases are registered here.
import 'tsconfig-paths/register';
import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { Client } from 'pg';
import { loadConfig } from '@/config/app-config';
import { prepareDatabase } from '@/bootstrap';
import { passwordHasher } from '@/modules/auth/password-hasher';
import { RUN_ENV, TestRun } from './test-env';

/**
 * Each run gets its own database and Redis key prefix, so parallel runs (two developers, CI and
 * a developer) never see each other's rows or jobs.
 */
export default async function globalSetup(): Promise<void> {
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const databaseName = `switchboard_test_${runId}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database "${databaseName}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${databaseName}`;
  const run: TestRun = {
    databaseUrl: url.toString(),
    redisPrefix: `sbtest_${runId}`,
    adminUrl: base,
    databaseName,
  };
  await prepareDatabase(
    loadConfig({ DATABASE_URL: run.databaseUrl, REDIS_PREFIX: run.redisPrefix, NODE_ENV: 'test' }),
  );
  await createFirstAdmin(run.databaseUrl);
  // MikroORM keeps entity metadata on globalThis; with --runInBand the test files share this
  // realm, and metadata built here would leak into them as objects from a foreign realm.
  for (const key of Object.keys(globalThis)) {
    if (key.startsWith('mikro-orm-')) delete (globalThis as Record<string, unknown>)[key];
  }
  // Jest starts its workers after global setup, so they inherit this.
  process.env[RUN_ENV] = JSON.stringify(run);
}

/**
 * The first admin (test/setup/env.ts's ADMIN_USERNAME / ADMIN_PASSWORD), as the API's start
 * creates it on an empty database (UsersService.ensureBootstrapAdmin). Created here, before any
 * suite, because the API only does it while the users table is empty: a suite that inserts people
 * directly (the repository and replay integration tests) and runs first would otherwise leave
 * every later e2e suite without an admin to sign in as (401s that depend on the file order).
 */
async function createFirstAdmin(databaseUrl: string): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `insert into users (id, username, display_name, password_hash, roles, active, created_at, updated_at)
       values (gen_random_uuid(), 'admin', 'Administrator', $1, '{admin}', true, now(), now())
       on conflict do nothing`,
      [await passwordHasher.hash('admin-password')],
    );
  } finally {
    await db.end();
  }
}
