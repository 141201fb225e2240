import { MikroORM } from '@mikro-orm/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@/config/app-config';
import { jsonBody } from '@/common/http/json-body';
import { securityHeaders } from '@/common/http/security-headers';
import { createValidationPipe } from '@/common/pipes/validation.pipe';
import { migrateWithLock } from '@/database/migrate';
import { buildOrmOptions } from '@/database/orm-options';
import { UsersService } from '@/modules/staff/users.service';
import { RealtimeIoAdapter } from '@/realtime/socket-io.adapter';
import { serveWebConsole } from '@/web/web-console';

/** Routes allowed a larger body than the default; everything else is capped at BODY_LIMIT_BYTES. */
const LARGE_BODY_ROUTES = ['/api/telephony/events'];

/** HTTP + Socket.IO wiring shared by src/main.ts and the e2e tests, so tests run the real thing. */
export async function configureApi(app: NestExpressApplication): Promise<void> {
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(LARGE_BODY_ROUTES, jsonBody(config.http.telephonyBodyLimitBytes));
  app.use(jsonBody(config.http.bodyLimitBytes));
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  serveWebConsole(app);
  app.useGlobalPipes(createValidationPipe());
  app.enableCors({ origin: config.realtime.corsOrigins, credentials: true });
  app.useWebSocketAdapter(new RealtimeIoAdapter(app, config));
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Switchboard API')
      .setDescription('Contact-center and notifications server')
      .setVersion('0.1.0')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'connector')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  await app.get(UsersService).ensureBootstrapAdmin();
}

/** Applies pending migrations before any module starts, so no job or request sees an old schema. */
export async function prepareDatabase(config: AppConfig): Promise<void> {
  if (!config.database.migrateOnStart) return;
  const orm = await MikroORM.init(buildOrmOptions(config));
  try {
    await migrateWithLock(orm, config.database.url);
  } finally {
    await orm.close(true);
  }
}
