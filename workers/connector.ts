import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '@/config/app-config';
import { PreflightError, preflight } from '@/common/startup/preflight';
import { prepareDatabase } from '@/bootstrap';
import { AmiConnectorService } from '@/modules/pbx/ami/ami-connector.service';
import { ConnectorModule } from '@/modules/pbx/ami/connector.module';

/**
 * The Asterisk connector process. Without AMI_HOST it stays idle rather than exiting, so
 * `npm start` and docker compose can always run it beside the API and the worker.
 */
async function main(): Promise<void> {
  // eslint-disable-next-line no-restricted-properties -- entry point: validate the environment before anything starts
  const config = loadConfig(process.env);
  if (!config.ami) {
    console.log('switchboard connector idle: AMI_HOST is not set');
    const idle = setInterval(() => undefined, 1 << 30);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => clearInterval(idle));
    }
    return;
  }
  await preflight(config);
  await prepareDatabase(config);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref());
  }
  const app = await NestFactory.createApplicationContext(
    ConnectorModule.register(config.ami.mode),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  app.get(AmiConnectorService).start();
  console.log(
    `switchboard connector started (${config.ami.mode}, ${config.ami.host}:${config.ami.port})`,
  );
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof PreflightError) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
