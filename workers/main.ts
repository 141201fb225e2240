import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '@/config/app-config';
import { PreflightError, preflight } from '@/common/startup/preflight';
import { prepareDatabase } from '@/bootstrap';
import { WorkerModule } from '@workers/worker.module';

/** If graceful shutdown hangs (a stuck job, a client that never closes), exit anyway. */
function forceExitAfter(timeoutMs: number): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), timeoutMs).unref());
  }
}

async function main(): Promise<void> {
  // eslint-disable-next-line no-restricted-properties -- entry point: validate the environment before anything starts
  const config = loadConfig(process.env);
  await preflight(config);
  await prepareDatabase(config);
  forceExitAfter(config.shutdownTimeoutMs);
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  console.log('switchboard worker started');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof PreflightError) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
