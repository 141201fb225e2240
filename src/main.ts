import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '@/app.module';
import { configureApi, prepareDatabase } from '@/bootstrap';
import { ConfigError, loadConfig } from '@/config/app-config';
import { PreflightError, preflight } from '@/common/startup/preflight';

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
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    bodyParser: false,
  });
  await configureApi(app);
  await app.listen(config.http.port, config.http.host);
  console.log(
    `switchboard api listening on http://${config.http.host}:${config.http.port} (docs at /api/docs)`,
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
