import { Client } from 'pg';

/**
 * Creates the configured database when the server is reachable but the database is not there
 * yet, so a fresh machine needs no manual `createdb`.
 */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) return;
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      await admin.query(`create database "${name.replace(/"/g, '""')}"`);
    }
  } catch (err) {
    // A concurrent process may have created it between the check and the create.
    if (!(err instanceof Error && /already exists/.test(err.message))) throw err;
  } finally {
    await admin.end();
  }
}
