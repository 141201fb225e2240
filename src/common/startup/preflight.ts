import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { Client } from 'pg';
import { AppConfig } from '@/config/app-config';
import { createDatabase, databaseName } from '@/database/ensure-database';
import { PgError, sqlState } from '@/database/pg-errors';

/** A start-up failure whose message says what is wrong and what to do; printed without a stack. */
export class PreflightError extends Error {}

/** Where progress lines go while a service is still coming up. */
export type StartupLog = (line: string) => void;

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5000;
/** At most one progress line per service this often, however short the backoff. */
const PROGRESS_EVERY_MS = 3000;

/** Socket errors that say "not there yet": worth waiting for while containers start. */
const NETWORK_NOT_READY = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Server replies that say "starting, stopping or full": also worth waiting for. */
const PG_NOT_READY = new Set<string>([
  PgError.cannotConnectNow,
  PgError.adminShutdown,
  PgError.tooManyConnections,
  PgError.objectInUse,
]);

type Verdict = { wait: true; reason: string } | { wait: false; error: PreflightError };

/**
 * Checks PostgreSQL (creating the database if it is missing) and Redis before Nest starts.
 * While they are still coming up (`docker compose up` starts everything at once) it retries
 * with backoff for up to STARTUP_WAIT_SECONDS, printing a progress line; what retrying cannot
 * fix (a wrong password, a missing permission) fails at once. Every failure is one line that
 * names the cause, where we looked (password redacted) and what to do.
 */
export async function preflight(
  config: AppConfig,
  log: StartupLog = (line) => console.log(line),
): Promise<void> {
  const deadline = Date.now() + config.startupWaitMs;
  await waitForPostgres(config, log, deadline);
  await waitFor(
    'Redis',
    config.redisLocation,
    () => pingRedis(config.redis.url),
    (err) => judgeRedis(err, config),
    { log, deadline, waitMs: config.startupWaitMs, secrets: secretsOf(config) },
  );
}

/** The PostgreSQL half of the preflight, also used by the database CLI. */
export async function waitForPostgres(
  config: AppConfig,
  log: StartupLog = (line) => console.log(line),
  deadline = Date.now() + config.startupWaitMs,
): Promise<void> {
  await waitFor(
    'PostgreSQL',
    config.databaseLocation,
    () => connectPostgres(config),
    (err) => judgePostgres(err, config),
    { log, deadline, waitMs: config.startupWaitMs, secrets: secretsOf(config) },
  );
}

async function waitFor(
  service: string,
  location: string,
  attempt: () => Promise<void>,
  judge: (err: unknown) => Verdict,
  opts: { log: StartupLog; deadline: number; waitMs: number; secrets: string[] },
): Promise<void> {
  let delay = FIRST_DELAY_MS;
  let lastProgress = -Infinity;
  for (;;) {
    let verdict: Verdict;
    try {
      await attempt();
      return;
    } catch (err) {
      verdict = judge(err);
    }
    if (!verdict.wait) throw redacted(verdict.error, opts.secrets);
    const left = opts.deadline - Date.now();
    if (left <= 0) {
      throw redacted(giveUp(service, location, verdict.reason, opts.waitMs), opts.secrets);
    }
    if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = Date.now();
      opts.log(
        redact(
          `${service} at ${location} not accepting connections yet (${verdict.reason}); ` +
            `retrying for up to ${Math.ceil(left / 1000)} s more`,
          opts.secrets,
        ),
      );
    }
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

function giveUp(service: string, location: string, reason: string, waitMs: number): PreflightError {
  const how =
    service === 'PostgreSQL'
      ? '(docker compose up -d postgres, or pg_ctlcluster <version> main start) or set DATABASE_URL'
      : '(docker compose up -d redis, or redis-server --daemonize yes) or set REDIS_URL';
  const waited = waitMs > 0 ? ` Waited ${Math.round(waitMs / 1000)} s (STARTUP_WAIT_SECONDS).` : '';
  return new PreflightError(
    `Cannot reach ${service} at ${location} (${reason}): start it ${how}.${waited}`,
  );
}

/** Connects to the configured database, creating it first when it is missing and allowed. */
async function connectPostgres(config: AppConfig): Promise<void> {
  try {
    await pingPostgres(config.database.url);
    return;
  } catch (err) {
    if (sqlState(err) !== PgError.invalidCatalogName) throw err;
  }
  const name = databaseName(config.database.url);
  if (!config.database.create) {
    throw new PreflightError(
      `The database "${name}" does not exist at ${config.databaseLocation} (3D000) and ` +
        `DATABASE_CREATE=false: create it (createdb "${name}") or set DATABASE_CREATE=true.`,
    );
  }
  try {
    await createDatabase(config.database.url);
  } catch (err) {
    if (sqlState(err) !== PgError.insufficientPrivilege) throw err;
    const user = new URL(config.database.url).username || 'the connecting user';
    throw new PreflightError(
      `The database "${name}" does not exist at ${config.databaseLocation} and the role ` +
        `"${user}" may not create it (42501 ${messageOf(err)}): create it as a superuser ` +
        `(createdb -O "${user}" "${name}"), grant the role CREATEDB, or point DATABASE_URL ` +
        `at an existing database.`,
    );
  }
  await pingPostgres(config.database.url);
}

async function pingPostgres(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  // A server that drops the connection would otherwise raise an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

function judgePostgres(err: unknown, config: AppConfig): Verdict {
  if (err instanceof PreflightError) return { wait: false, error: err };
  const state = sqlState(err);
  const where = config.databaseLocation;
  if (state === PgError.invalidPassword || state === PgError.invalidAuthorization) {
    return {
      wait: false,
      error: new PreflightError(
        `PostgreSQL at ${where} refused the login (${state} ${messageOf(err)}): check the user ` +
          `and password in DATABASE_URL (and pg_hba.conf for this host).`,
      ),
    };
  }
  if (state === PgError.insufficientPrivilege) {
    return {
      wait: false,
      error: new PreflightError(
        `PostgreSQL at ${where} denied access (42501 ${messageOf(err)}): grant the user ` +
          `CONNECT on the database (GRANT CONNECT ON DATABASE ...) or use another user in DATABASE_URL.`,
      ),
    };
  }
  if (state !== undefined && PG_NOT_READY.has(state)) {
    return { wait: true, reason: `${state} ${messageOf(err)}` };
  }
  if (state === undefined && isNetworkNotReady(err)) return { wait: true, reason: reason(err) };
  return {
    wait: false,
    error: new PreflightError(
      `PostgreSQL at ${where} failed during start-up (${state !== undefined ? `${state} ${messageOf(err)}` : reason(err)}): ` +
        `check DATABASE_URL and the server's log.`,
    ),
  };
}

async function pingRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 5000,
  });
  // connect() only says "Connection is closed"; the error that explains why comes here.
  let socketError: unknown;
  redis.on('error', (err) => (socketError = err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw socketError ?? err;
  } finally {
    redis.disconnect();
  }
}

function judgeRedis(err: unknown, config: AppConfig): Verdict {
  const where = config.redisLocation;
  const message = messageOf(err);
  const word = /^[A-Z]+\b/.exec(message)?.[0];
  if (word === 'NOAUTH' || word === 'WRONGPASS') {
    const what = word === 'NOAUTH' ? 'requires a password' : 'refused the user name or password';
    return {
      wait: false,
      error: new PreflightError(
        `Redis at ${where} ${what} (${message}): put the right credentials in REDIS_URL ` +
          `(redis://:password@host:6379, or redis://user:password@host:6379 with ACL users).`,
      ),
    };
  }
  // LOADING: Redis is reading its data set back after a restart.
  if (word === 'LOADING' || isNetworkNotReady(err)) {
    return { wait: true, reason: word === 'LOADING' ? 'LOADING' : reason(err) };
  }
  return {
    wait: false,
    error: new PreflightError(
      `Redis at ${where} failed during start-up (${reason(err)}): check REDIS_URL and the server's log.`,
    ),
  };
}

function isNetworkNotReady(err: unknown): boolean {
  const code = networkCode(err);
  if (code !== undefined) return NETWORK_NOT_READY.has(code);
  // pg's own words when the server accepts the socket but never answers, or drops it.
  return /Connection terminated|connection timeout|Connection is closed/i.test(messageOf(err));
}

// Duck-typed rather than instanceof: errors from node internals may come from another realm.
function networkCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, errors } = err as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors) && errors.length > 0) return networkCode(errors[0]);
  return undefined;
}

function reason(err: unknown): string {
  return networkCode(err) ?? (messageOf(err) || 'unknown error');
}

function messageOf(err: unknown): string {
  if (typeof err !== 'object' || err === null) return JSON.stringify(err) ?? '';
  const { message } = err as { message?: unknown };
  return typeof message === 'string' ? message.trim() : '';
}

/** Passwords from the URLs; no message or progress line may carry them. */
function secretsOf(config: AppConfig): string[] {
  const secrets: string[] = [];
  for (const raw of [config.database.url, config.redis.url]) {
    try {
      const password = decodeURIComponent(new URL(raw).password);
      // Shorter ones would garble messages more than they protect anything.
      if (password.length >= 4) secrets.push(password);
    } catch {
      // An unparseable URL was refused by the config schema already.
    }
  }
  return secrets;
}

function redact(text: string, secrets: string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}

function redacted(err: PreflightError, secrets: string[]): PreflightError {
  return new PreflightError(redact(err.message, secrets));
}
