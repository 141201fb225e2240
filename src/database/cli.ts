import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '@/config/app-config';
import { buildOrmOptions } from '@/database/orm-options';
import { DemoSeeder } from '@/database/seeders/demo.seeder';
import { waitForPostgres } from '@/common/startup/preflight';
import { migrateWithLock } from '@/database/migrate';

/** `db:migrate`, `db:seed` and `db:migration:create` without the HTTP server or workers. */
async function main(): Promise<void> {
  // eslint-disable-next-line no-restricted-properties -- CLI entry point reads the environment once
  const config = loadConfig(process.env);
  const command = process.argv[2];
  await waitForPostgres(config);
  const orm = await MikroORM.init(buildOrmOptions(config));
  try {
    switch (command) {
      case 'migrate': {
        const applied = await migrateWithLock(orm, config.database.url);
        console.log(
          `migrations applied: ${applied.length === 0 ? 'none pending' : applied.join(', ')}`,
        );
        break;
      }
      case 'create-migration': {
        const result = await orm
          .getMigrator()
          .createMigration(undefined, false, process.argv[3] === '--initial');
        console.log(
          result.fileName
            ? `created ${result.fileName}; add it to src/database/migrations/index.ts`
            : 'no changes',
        );
        break;
      }
      case 'seed': {
        await migrateWithLock(orm, config.database.url);
        await orm.getSeeder().seed(DemoSeeder);
        console.log('demo data seeded (see README for the demo log-ins)');
        break;
      }
      default:
        console.error('usage: cli.js migrate | seed | create-migration');
        process.exitCode = 2;
    }
  } finally {
    await orm.close(true);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
