import type { MikroORM } from '@mikro-orm/core';
import { LeanSql, toNumbered } from '@/database/lean-sql';

interface Sent {
  name?: string;
  text: string;
  values: unknown[];
}

/** A pool of one fake pg connection that records what it was sent. */
function fakeOrm(failOn?: RegExp) {
  const sent: Sent[] = [];
  let held = 0;
  let released = 0;
  const conn = {
    query(config: Sent) {
      sent.push(config);
      if (failOn?.test(config.text)) return Promise.reject(new Error('refused'));
      return Promise.resolve({ rows: [{ n: sent.length }] });
    },
  };
  const client = {
    acquireConnection: () => {
      held += 1;
      return Promise.resolve(conn);
    },
    releaseConnection: () => {
      released += 1;
      return Promise.resolve();
    },
  };
  const orm = {
    em: { getConnection: () => ({ getKnex: () => ({ client }) }) },
  } as unknown as MikroORM;
  return { orm, sent, counts: () => ({ held, released }) };
}

describe('LeanSql', () => {
  it('numbers `?` placeholders in order', () => {
    expect(toNumbered('select ? where a = any(?::uuid[]) limit ?')).toBe(
      'select $1 where a = any($2::uuid[]) limit $3',
    );
    expect(toNumbered('select 1')).toBe('select 1');
  });

  it('prepares each text under one stable name and binds the values as they are', async () => {
    const { orm, sent, counts } = fakeOrm();
    const sql = new LeanSql(orm);
    await sql.execute('select * from calls where id = ?', ['a']);
    await sql.execute('select * from calls where id = ?', ['b']);
    await sql.execute('select * from users where id = ?', [['x', 'y']]);
    expect(sent.map((s) => s.text)).toEqual([
      'select * from calls where id = $1',
      'select * from calls where id = $1',
      'select * from users where id = $1',
    ]);
    expect(sent[0].name).toMatch(/^lean_[0-9a-f]{16}$/);
    expect(sent[1].name).toBe(sent[0].name);
    expect(sent[2].name).not.toBe(sent[0].name);
    expect(sent[2].values).toEqual([['x', 'y']]);
    expect(counts()).toEqual({ held: 3, released: 3 });
  });

  it('runs a transaction on one connection and commits it', async () => {
    const { orm, sent, counts } = fakeOrm();
    const result = await new LeanSql(orm).transaction(async (tx) => {
      await tx.execute('update a set b = ?', [1]);
      return tx.execute<{ n: number }[]>('select ?', [2]);
    });
    expect(result).toEqual([{ n: 3 }]);
    expect(sent.map((s) => s.text)).toEqual([
      'begin',
      'update a set b = $1',
      'select $1',
      'commit',
    ]);
    expect(counts()).toEqual({ held: 1, released: 1 });
  });

  it('rolls back and gives the connection back when the work throws', async () => {
    const { orm, sent, counts } = fakeOrm(/^update/);
    await expect(
      new LeanSql(orm).transaction((tx) => tx.execute('update a set b = ?', [1])),
    ).rejects.toThrow('refused');
    expect(sent.map((s) => s.text)).toEqual(['begin', 'update a set b = $1', 'rollback']);
    expect(counts()).toEqual({ held: 1, released: 1 });
  });
});
