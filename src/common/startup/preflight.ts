import Redis from 'ioredis';
import { Client } from 'pg';
import { AppConfig } from '@/config/app-config';
import { ensureDatabaseExists } from '@/database/ensure-database';

export class PreflightError extends Error {}

// Duck-typed rather than instanceof: errors from node internals may come from another realm.
function reason(err: unknown): string {
  if (typeof err !== 'object' || err === null) return JSON.stringify(err) ?? 'unknown error';
  const { code, errors, message } = err as { code?: unknown; errors?: unknown; message?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors) && errors.length > 0) return reason(errors[0]);
  return typeof message === 'string' ? message : 'unknown error';
}

/**
 * Checks PostgreSQL and Redis before Nest starts, so a missing service gives one line that says
 * what is down, where we looked, and how to start it, instead of a retry loop or a stack trace.
 */
export async function preflight(config: AppConfig): Promise<void> {
  try {
    await ensureDatabaseExists(config.database.url);
    const pg = new Client({ connectionString: config.database.url, connectionTimeoutMillis: 5000 });
    await pg.connect();
    await pg.end();
  } catch (err) {
    throw new PreflightError(
      `Cannot reach PostgreSQL at ${config.databaseLocation} (${reason(err)}): start it ` +
        `(docker compose up -d postgres, or pg_ctlcluster <version> main start) or set DATABASE_URL.`,
    );
  }
  const redis = new Redis(config.redis.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 5000,
  });
  // connect() only says "Connection is closed"; the socket error that explains why comes here.
  let socketError: unknown;
  redis.on('error', (err) => (socketError = err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new PreflightError(
      `Cannot reach Redis at ${config.redisLocation} (${reason(socketError ?? err)}): start it ` +
        `(docker compose up -d redis, or redis-server --daemonize yes) or set REDIS_URL.`,
    );
  } finally {
    redis.disconnect();
  }
}
