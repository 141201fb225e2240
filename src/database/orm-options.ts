import { Options } from '@mikro-orm/core';
import { Logger } from '@nestjs/common';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SeedManager } from '@mikro-orm/seeder';
import { AppConfig } from '@/config/app-config';
import { ENTITIES } from '@/database/entities';
import { MIGRATIONS } from '@/database/migrations';

const knexLogger = new Logger('Database');
const knexLog = {
  warn: (message: unknown) => knexLogger.warn(String(message)),
  error: (message: unknown) => knexLogger.error(String(message)),
  deprecate: (message: unknown) => knexLogger.warn(String(message)),
  debug: (message: unknown) => knexLogger.debug(String(message)),
};

/**
 * Migrations are listed in code rather than discovered from a folder so that the compiled
 * server, ts-jest and the CLI run exactly the same set, with no glob depending on the runtime.
 */
export function buildOrmOptions(config: AppConfig): Options<PostgreSqlDriver> {
  return {
    driver: PostgreSqlDriver,
    clientUrl: config.database.url,
    entities: ENTITIES,
    forceUtcTimezone: true,
    // Bounded waits: while PostgreSQL is down or restarting, a request waits at most this long
    // for a connection and then fails as SERVICE_UNAVAILABLE instead of hanging (knex's default
    // is 60 s); a connection attempt to a host that does not answer gives up as soon.
    pool: { min: 0, max: config.database.poolMax },
    driverOptions: {
      acquireConnectionTimeout: config.database.acquireTimeoutMs,
      // knex would print a lost connection with console.log; it goes to the JSON log instead.
      log: knexLog,
      connection: { connectionTimeoutMillis: config.database.acquireTimeoutMs },
    },
    allowGlobalContext: false,
    debug: false,
    extensions: [Migrator, SeedManager],
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: 'src/database/migrations',
      pathTs: 'src/database/migrations',
      emit: 'ts',
      snapshot: false,
      transactional: true,
      allOrNothing: true,
      // The server logs one line naming what it applied (see migrate.ts).
      silent: true,
      migrationsList: MIGRATIONS,
    },
    seeder: { path: 'src/database/seeders', pathTs: 'src/database/seeders', emit: 'ts' },
  };
}
