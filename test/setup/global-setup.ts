// Global setup runs outside Jest's module mapper, so the @/ aliases are registered here.
import 'tsconfig-paths/register';
import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { Client } from 'pg';
import { loadConfig } from '@/config/app-config';
import { prepareDatabase } from '@/bootstrap';
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
  // MikroORM keeps entity metadata on globalThis; with --runInBand the test files share this
  // realm, and metadata built here would leak into them as objects from a foreign realm.
  for (const key of Object.keys(globalThis)) {
    if (key.startsWith('mikro-orm-')) delete (globalThis as Record<string, unknown>)[key];
  }
  // Jest starts its workers after global setup, so they inherit this.
  process.env[RUN_ENV] = JSON.stringify(run);
}
