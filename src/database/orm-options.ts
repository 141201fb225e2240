import { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SeedManager } from '@mikro-orm/seeder';
import { AppConfig } from '@/config/app-config';
import { ENTITIES } from '@/database/entities';
import { MIGRATIONS } from '@/database/migrations';

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
    pool: { min: 0, max: config.database.poolMax },
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
