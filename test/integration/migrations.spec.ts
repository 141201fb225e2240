import { Client } from 'pg';
import { loadConfig } from '@/config/app-config';
import { prepareDatabase } from '@/bootstrap';
import { MIGRATIONS } from '@/database/migrations';

describe('migrations', () => {
  const base = new URL(process.env.DATABASE_URL!);
  const name = `${base.pathname.slice(1)}_empty`;
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  const config = loadConfig({ DATABASE_URL: url.toString(), NODE_ENV: 'test' });

  const query = async (sql: string): Promise<unknown[]> => {
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return (await client.query(sql)).rows as unknown[];
    } finally {
      await client.end();
    }
  };

  afterAll(async () => {
    const admin = new Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  it('builds the whole schema from an empty database, and a second run applies nothing', async () => {
    const admin = new Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    await admin.end();

    await prepareDatabase(config);
    const tables = (await query(
      "select table_name from information_schema.tables where table_schema = 'public' order by 1",
    )) as { table_name: string }[];
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'users',
        'api_keys',
        'clients',
        'contact_persons',
        'lines',
        'queues',
        'queue_members',
      ]),
    );
    const applied = (await query('select name from mikro_orm_migrations order by id')) as {
      name: string;
    }[];
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));

    await prepareDatabase(config);
    const again = (await query('select count(*)::int as n from mikro_orm_migrations')) as {
      n: number;
    }[];
    expect(again[0].n).toBe(MIGRATIONS.length);
  });

  it('lets several processes start at once: each migration is applied exactly once', async () => {
    await query('select 1');
    await Promise.all([prepareDatabase(config), prepareDatabase(config), prepareDatabase(config)]);
    const rows = (await query(
      'select name, count(*)::int as n from mikro_orm_migrations group by name',
    )) as { n: number }[];
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });
});
