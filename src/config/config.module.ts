import { Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from '@/config/app-config';

@Global()
@Module({
  providers: [
    {
      provide: AppConfig,
      // eslint-disable-next-line no-restricted-properties -- the single place that reads the environment
      useFactory: () => loadConfig(process.env),
    },
  ],
  exports: [AppConfig],
})
export class ConfigModule {}
