import { execFileSync } from 'node:child_process';
import Redis from 'ioredis';
import { Client } from 'pg';
import { freePort } from '@test/support/processes';
import { loadConfig } from '@/config/app-config';
import { preflight } from '@/common/startup/preflight';
import { createDatabase } from '@/database/ensure-database';

describe('preflight', () => {
  it('names PostgreSQL, where it looked, and how to start it, in one line', async () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://app:secret@127.0.0.1:1/nowhere',
      STARTUP_WAIT_SECONDS: '0',
    });
    const err = (await preflight(config).catch((e: unknown) => e)) as Error;
    expect(err.message.split('\n')).toHaveLength(1);
    expect(err.message).toMatch(
      /^Cannot reach PostgreSQL at postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/nowhere \(ECONNREFUSED\): start it/,
    );
    expect(err.message).not.toContain('secret');
  });

  it('names Redis when PostgreSQL is fine but Redis is not', async () => {
    const config = loadConfig({
      DATABASE_URL: process.env.DATABASE_URL,
      REDIS_URL: 'redis://127.0.0.1:1',
      STARTUP_WAIT_SECONDS: '0',
    });
    const err = (await preflight(config).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(
      /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): start it/,
    );
  });

  it('passes when both are up', async () => {
    await expect(
      preflight(loadConfig({ DATABASE_URL: process.env.DATABASE_URL })),
    ).resolves.toBeUndefined();
  });

  describe('when the database is missing', () => {
    const base = new URL(process.env.DATABASE_URL!);
    const stem = base.pathname.slice(1);
    const role = `${stem}_nocreate`;
    const urlOf = (name: string, user = base.username): string => {
      const url = new URL(base.toString());
      url.pathname = `/${name}`;
      url.username = user;
      return url.toString();
    };
    const admin = async <T>(use: (client: Client) => Promise<T>): Promise<T> => {
      const client = new Client({ connectionString: base.toString() });
      await client.connect();
      try {
        return await use(client);
      } finally {
        await client.end();
      }
    };

    afterAll(() =>
      admin(async (client) => {
        for (const suffix of ['race', 'made', 'denied', 'off']) {
          await client.query(`drop database if exists "${stem}_${suffix}" with (force)`);
        }
        await client.query(`drop role if exists "${role}"`);
      }),
    );

    it('lets several processes create it at once: one creates it, the others find it there', async () => {
      const url = urlOf(`${stem}_race`);
      const created = await Promise.all(Array.from({ length: 6 }, () => createDatabase(url)));
      expect(created.filter(Boolean)).toHaveLength(1);
    });

    it('creates it and connects', async () => {
      const logged: string[] = [];
      const config = loadConfig({ DATABASE_URL: urlOf(`${stem}_made`) });
      await expect(preflight(config, (line) => logged.push(line))).resolves.toBeUndefined();
      expect(logged).toEqual([]);
      const found = await admin((c) =>
        c.query('select 1 from pg_database where datname = $1', [`${stem}_made`]),
      );
      expect(found.rowCount).toBe(1);
    });

    it('says the role may not create it, at once, when it lacks CREATEDB', async () => {
      await admin((c) => c.query(`create role "${role}" login nocreatedb`));
      const logged: string[] = [];
      const config = loadConfig({ DATABASE_URL: urlOf(`${stem}_denied`, role) });
      const err = (await preflight(config, (line) => logged.push(line)).catch(
        (e: unknown) => e,
      )) as Error;
      expect(err.message).toBe(
        `The database "${stem}_denied" does not exist at ${config.databaseLocation} and the role ` +
          `"${role}" may not create it (42501 permission denied to create database): create it ` +
          `as a superuser (createdb -O "${role}" "${stem}_denied"), grant the role CREATEDB, or ` +
          `point DATABASE_URL at an existing database.`,
      );
      expect(logged).toEqual([]);
    });

    it('says so, and how to fix it, when creation is disabled', async () => {
      const config = loadConfig({ DATABASE_URL: urlOf(`${stem}_off`), DATABASE_CREATE: 'false' });
      const err = (await preflight(config).catch((e: unknown) => e)) as Error;
      expect(err.message).toBe(
        `The database "${stem}_off" does not exist at ${config.databaseLocation} (3D000) and ` +
          `DATABASE_CREATE=false: create it (createdb "${stem}_off") or set DATABASE_CREATE=true.`,
      );
      const found = await admin((c) =>
        c.query('select 1 from pg_database where datname = $1', [`${stem}_off`]),
      );
      expect(found.rowCount).toBe(0);
    });
  });

  describe('when Redis asks for a password', () => {
    let port = 0;
    beforeAll(async () => {
      port = await freePort();
      execFileSync('redis-server', [
        '--port',
        String(port),
        '--save',
        '',
        '--requirepass',
        'the-redis-password',
        '--daemonize',
        'yes',
      ]);
    });
    afterAll(async () => {
      const redis = new Redis({ port, password: 'the-redis-password', lazyConnect: true });
      await redis.connect();
      await redis.shutdown('NOSAVE').catch(() => undefined);
      redis.disconnect();
    });

    const attempt = async (redisUrl: string): Promise<{ message: string; logged: string[] }> => {
      const logged: string[] = [];
      const config = loadConfig({ DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: redisUrl });
      const err = (await preflight(config, (line) => logged.push(line)).catch(
        (e: unknown) => e,
      )) as Error;
      return { message: err.message, logged };
    };

    it('says a password is needed (NOAUTH), at once', async () => {
      const { message, logged } = await attempt(`redis://127.0.0.1:${port}`);
      expect(message).toBe(
        `Redis at redis://127.0.0.1:${port} requires a password (NOAUTH Authentication required.): ` +
          `put the right credentials in REDIS_URL (redis://:password@host:6379, or ` +
          `redis://user:password@host:6379 with ACL users).`,
      );
      expect(logged).toEqual([]);
    });

    it('says the password was refused (WRONGPASS), at once, without it', async () => {
      const { message, logged } = await attempt(`redis://:not-the-password@127.0.0.1:${port}`);
      expect(message).toMatch(
        new RegExp(
          `^Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} refused the user name or password \\(WRONGPASS `,
        ),
      );
      expect(message).not.toContain('not-the-password');
      expect(logged).toEqual([]);
    });

    it('passes with the right password', async () => {
      const config = loadConfig({
        DATABASE_URL: process.env.DATABASE_URL,
        REDIS_URL: `redis://:the-redis-password@127.0.0.1:${port}`,
      });
      await expect(preflight(config)).resolves.toBeUndefined();
    });
  });
});
