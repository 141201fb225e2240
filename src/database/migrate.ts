import { MikroORM } from '@mikro-orm/core';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';

const MIGRATION_LOCK_KEY = 73112024;

/**
 * Applies pending migrations under a PostgreSQL advisory lock held on a separate connection, so
 * several API and worker processes starting together apply each migration exactly once. A
 * process that finds the lock taken says so once, then waits for it.
 */
export async function migrateWithLock(orm: MikroORM, databaseUrl: string): Promise<string[]> {
  const logger = new Logger('Migrations');
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    const tried = await lock.query<{ locked: boolean }>(
      'select pg_try_advisory_lock($1) as locked',
      [MIGRATION_LOCK_KEY],
    );
    if (!tried.rows[0].locked) {
      logger.log('waiting for another process to finish migrations…');
      await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    }
    const applied = await orm.getMigrator().up();
    const names = applied.map((m) => m.name);
    if (names.length > 0) logger.log(`applied ${names.join(', ')}`);
    return names;
  } finally {
    await lock.end();
  }
}
