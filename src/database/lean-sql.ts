import { createHash } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { Global, Injectable, Module } from '@nestjs/common';

/** The slice of `pg`'s client the executor uses. */
interface PgConnection {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** A statement as prepared: `$n` placeholders, and a name when it is prepared per connection. */
interface Prepared {
  name: string | undefined;
  text: string;
}

/**
 * Statements whose text is seen more than this many times are prepared under a name; a text
 * built per call (which should not happen on the hot path) stops getting names once the cache
 * is full, so no connection accumulates prepared statements without bound.
 */
const MAX_NAMED = 256;

/** `?` placeholders (MikroORM's and knex's) become `$1…$n`; the SQL must hold no other `?`. */
export function toNumbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** One statement at a time on a connection the executor holds: a transaction, or a single read. */
export interface LeanTx {
  execute<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T>;
}

/**
 * Where a statement may run on either executor: a LeanSql transaction or an ORM transaction's
 * EntityManager. Both take `?` placeholders and an array of values and resolve to the rows.
 */
export type AnyTx = LeanTx | Pick<EntityManager, 'execute'>;

export function executeOn<T>(tx: AnyTx, sql: string, params: readonly unknown[]): Promise<T> {
  return (tx as LeanTx).execute<T>(sql, params);
}

/**
 * The hot path's executor: statements go straight to a `pg` connection of the pool underneath
 * MikroORM (same connections, same limits, same acquire timeout), with real bind parameters
 * and, per connection, a named prepared statement for each text, so PostgreSQL parses and plans
 * a repeated statement once rather than per call and no ORM, knex query builder or parameter
 * inlining runs per statement. The ORM stays for CRUD; this is for the few statements every call
 * runs. `execute(sql, params)` has MikroORM's signature (with `?` placeholders), so a repository
 * method that takes a `Tx` runs on either.
 */
@Injectable()
export class LeanSql implements LeanTx {
  private readonly prepared = new Map<string, Prepared>();

  constructor(private readonly orm: MikroORM) {}

  private get client(): Knex.Client {
    const connection = this.orm.em.getConnection() as unknown as { getKnex(): Knex };
    return connection.getKnex().client as Knex.Client;
  }

  private statement(sql: string): Prepared {
    let found = this.prepared.get(sql);
    if (!found) {
      const name =
        this.prepared.size < MAX_NAMED
          ? `lean_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`
          : undefined;
      found = { name, text: toNumbered(sql) };
      if (name) this.prepared.set(sql, found);
    }
    return found;
  }

  private async run<T>(conn: PgConnection, sql: string, params: readonly unknown[]): Promise<T> {
    const { name, text } = this.statement(sql);
    const result = await conn.query({ name, text, values: params as unknown[] });
    return result.rows as T;
  }

  /** One statement on a pooled connection (autocommit). */
  async execute<T = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<T> {
    const client = this.client;
    const conn = (await client.acquireConnection()) as PgConnection;
    try {
      return await this.run<T>(conn, sql, params);
    } finally {
      await client.releaseConnection(conn);
    }
  }

  /**
   * `fn`'s statements in one transaction on one connection: committed when it returns, rolled
   * back when it throws.
   */
  async transaction<T>(fn: (tx: LeanTx) => Promise<T>): Promise<T> {
    const client = this.client;
    const conn = (await client.acquireConnection()) as PgConnection;
    try {
      await conn.query({ text: 'begin', values: [] });
      const tx: LeanTx = {
        execute: <R>(sql: string, params: readonly unknown[] = []) =>
          this.run<R>(conn, sql, params),
      };
      try {
        const result = await fn(tx);
        await conn.query({ text: 'commit', values: [] });
        return result;
      } catch (err) {
        // A connection that cannot even roll back is broken; the pool's validation drops it.
        await conn.query({ text: 'rollback', values: [] }).catch(() => undefined);
        throw err;
      }
    } finally {
      await client.releaseConnection(conn);
    }
  }
}

/** Every process that loads the ORM gets the executor beside it. */
@Global()
@Module({ providers: [LeanSql], exports: [LeanSql] })
export class LeanSqlModule {}
