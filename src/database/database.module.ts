import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Module } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import { buildOrmOptions } from '@/database/orm-options';

/** Registers MikroORM globally; `driver` lets services inject the PostgreSQL EntityManager. */
@Module({
  imports: [
    MikroOrmModule.forRootAsync({
      driver: PostgreSqlDriver,
      inject: [AppConfig],
      // HTTP requests get their own context from the module's middleware; processors and socket
      // handlers fork explicitly, and allowGlobalContext is off so a slip fails loudly.
      useFactory: (config: AppConfig) => ({
        ...buildOrmOptions(config),
        registerRequestContext: true,
        forRoutesPath: '{*path}',
      }),
    }),
  ],
})
export class DatabaseModule {}
