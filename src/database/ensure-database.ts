import { Client } from 'pg';
import { isDatabaseAlreadyThere } from '@/database/pg-errors';

/** The database a PostgreSQL URL names (its path without the slash). */
export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

/**
 * Creates the database a URL names, through the server's `postgres` maintenance database, so a
 * fresh machine needs no manual `createdb`. The API, workers and CLI may all get here at the same
 * moment: whichever loses the race gets 42P04 or 23505 (a unique violation on
 * pg_database_datname_index), which counts as success. Returns whether this call created it.
 */
export async function createDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(`create database "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (err) {
    if (isDatabaseAlreadyThere(err)) return false;
    throw err;
  } finally {
    await admin.end().catch(() => undefined);
  }
}
