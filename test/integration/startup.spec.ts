import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import {
  API_ENTRY,
  AppProcess,
  WORKER_ENTRY,
  ensureBuilt,
  freePort,
  waitForHealthy,
} from '@test/support/processes';

/**
 * The README's first command, as real processes: `npm start` runs the compiled API and worker
 * side by side, and both must come up however their start-up interleaves.
 */
describe('start-up of the API and worker processes', () => {
  const base = new URL(process.env.DATABASE_URL!);
  const runName = base.pathname.slice(1);
  const children: AppProcess[] = [];
  const databases: string[] = [];
  const prefixes: string[] = [];

  const urlFor = (database: string): string => {
    const url = new URL(base.toString());
    url.pathname = `/${database}`;
    return url.toString();
  };

  const start = (name: string, entry: string, env: Record<string, string>): AppProcess => {
    const child = new AppProcess(name, entry, {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '5000',
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'change-me-now',
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
      ...env,
    });
    children.push(child);
    return child;
  };

  beforeAll(() => ensureBuilt(), 240_000);

  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.stop()));
  });

  afterAll(async () => {
    const admin = new Client({ connectionString: base.toString() });
    await admin.connect();
    for (const name of databases)
      await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
    await redis.quit();
  });

  it('brings the API and a worker up together on a database that does not exist, ten times in a row', async () => {
    for (let round = 0; round < 10; round++) {
      const database = `${runName}_fresh${round}`;
      const prefix = `${process.env.REDIS_PREFIX}_fresh${round}`;
      databases.push(database);
      prefixes.push(prefix);
      const port = await freePort();
      const env = { DATABASE_URL: urlFor(database), REDIS_PREFIX: prefix, PORT: String(port) };
      const api = start(`api #${round}`, API_ENTRY, env);
      const worker = start(`worker #${round}`, WORKER_ENTRY, env);
      await Promise.all([
        waitForHealthy(`http://127.0.0.1:${port}/api/health`, api),
        worker.waitForLine(/^switchboard worker started$/),
      ]);
      expect(api.running && worker.running).toBe(true);
      // One of them applied the migrations; whoever lost the race for the lock said so, once.
      expect([api.log, worker.log].filter((log) => /applied Migration/.test(log))).toHaveLength(1);
      const waits = `${api.log}${worker.log}`.match(
        /waiting for another process to finish migrations/g,
      );
      expect((waits ?? []).length).toBeLessThanOrEqual(1);
      expect(`${api.log}${worker.log}`).not.toMatch(/Cannot reach|duplicate key|23505/);
      await Promise.all([api.stop(), worker.stop()]);
    }
  }, 300_000);

  it('names a closed PostgreSQL port, waits the configured time with a progress line, then exits', async () => {
    const port = await freePort();
    const api = start('api (closed port)', API_ENTRY, {
      DATABASE_URL: `postgres://app:hunter22@127.0.0.1:${port}/switchboard`,
      STARTUP_WAIT_SECONDS: '2',
      PORT: String(await freePort()),
    });
    expect(await api.exited).toBe(1);
    const where = `postgres://app:***@127.0.0.1:${port}/switchboard`;
    expect(api.log).toContain(
      `PostgreSQL at ${where} not accepting connections yet (ECONNREFUSED); retrying for up to`,
    );
    expect(api.log).toContain(
      `Cannot reach PostgreSQL at ${where} (ECONNREFUSED): start it (docker compose up -d postgres`,
    );
    expect(api.log).not.toContain('hunter22');
  }, 60_000);

  describe('against a PostgreSQL that checks passwords', () => {
    const pgBin = postgresBinaries();
    let dir = '';
    let port = 0;
    const asPostgres = (args: string[]): void => {
      // initdb refuses to run as root; the server's files then belong to postgres.
      if (process.getuid?.() === 0) {
        const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
        execFileSync('su', ['postgres', '-c', quoted], { stdio: 'pipe' });
      } else {
        execFileSync(args[0], args.slice(1), { stdio: 'pipe' });
      }
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sb-startup-pg-'));
      port = await freePort();
      writeFileSync(join(dir, 'pwfile'), 'the-right-password\n');
      if (process.getuid?.() === 0) {
        chownSync(dir, uidOf('postgres'), gidOf('postgres'));
        chownSync(join(dir, 'pwfile'), uidOf('postgres'), gidOf('postgres'));
      }
      asPostgres([
        `${pgBin}/initdb`,
        '-D',
        join(dir, 'data'),
        '-U',
        'postgres',
        '-A',
        'scram-sha-256',
        `--pwfile=${join(dir, 'pwfile')}`,
        '--no-sync',
        '--locale=C',
        '-E',
        'UTF8',
      ]);
      asPostgres([
        `${pgBin}/pg_ctl`,
        '-D',
        join(dir, 'data'),
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        '-l',
        join(dir, 'server.log'),
        '-w',
        'start',
      ]);
    }, 60_000);

    afterAll(() => {
      if (!dir) return;
      try {
        asPostgres([`${pgBin}/pg_ctl`, '-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('says the login was refused, at once, without the password', async () => {
      const api = start('api (wrong password)', API_ENTRY, {
        DATABASE_URL: `postgres://postgres:not-the-password@127.0.0.1:${port}/switchboard`,
        PORT: String(await freePort()),
      });
      expect(await api.exited).toBe(1);
      expect(api.log).toContain(
        `PostgreSQL at postgres://postgres:***@127.0.0.1:${port}/switchboard refused the login ` +
          `(28P01 password authentication failed for user "postgres"): check the user and password in DATABASE_URL`,
      );
      // Retrying cannot fix a wrong password: no progress line, no wait.
      expect(api.log).not.toContain('not accepting connections yet');
      expect(api.log).not.toContain('not-the-password');
    }, 60_000);
  });

  it('waits for a Redis that starts after it, then becomes healthy', async () => {
    const redisPort = await freePort();
    const database = `${runName}_late_redis`;
    const prefix = `${process.env.REDIS_PREFIX}_late`;
    databases.push(database);
    prefixes.push(prefix);
    const port = await freePort();
    const env = {
      DATABASE_URL: urlFor(database),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      REDIS_PREFIX: prefix,
      PORT: String(port),
    };
    const api = start('api (late Redis)', API_ENTRY, env);
    const worker = start('worker (late Redis)', WORKER_ENTRY, env);
    const notYet = new RegExp(
      `^Redis at redis://127\\.0\\.0\\.1:${redisPort} not accepting connections yet \\(ECONNREFUSED\\); retrying for up to \\d+ s more$`,
    );
    await Promise.all([api.waitForLine(notYet), worker.waitForLine(notYet)]);
    execFileSync('redis-server', ['--port', String(redisPort), '--save', '', '--daemonize', 'yes']);
    try {
      await Promise.all([
        waitForHealthy(`http://127.0.0.1:${port}/api/health`, api),
        worker.waitForLine(/^switchboard worker started$/),
      ]);
      await Promise.all([api.stop(), worker.stop()]);
    } finally {
      const redis = new Redis(redisPort, '127.0.0.1', { lazyConnect: true });
      await redis.connect();
      await redis.shutdown('NOSAVE').catch(() => undefined);
      redis.disconnect();
    }
  }, 90_000);
});

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}

function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user]).toString().trim());
}

/** Where initdb and pg_ctl live: Debian keeps them off PATH, under the server's version. */
function postgresBinaries(): string {
  try {
    return execFileSync('pg_config', ['--bindir']).toString().trim();
  } catch {
    return '/usr/lib/postgresql/15/bin';
  }
}
