import { EntityManager } from '@mikro-orm/postgresql';
import { LeanSql } from '@/database/lean-sql';
import { Injectable } from '@nestjs/common';
import { pgArray } from '@/database/pg-array';
import type { OutboxMessage, OutboxTopic } from '@/outbox/outbox.catalogue';
import {
  OUTBOX_DEAD_RETENTION_DAYS,
  OUTBOX_GRACE_SECONDS,
  OUTBOX_LEASE_SECONDS,
} from '@/outbox/outbox-retry';

/** A row claimed by the sweep, with the number of this attempt. */
export type ClaimedOutboxRow = OutboxMessage & { attempts: number };

export interface OutboxCounts {
  /** Rows not delivered yet (live dispatch running, or waiting for a retry). */
  pending: number;
  /** Dead letters: every attempt failed; see the relay's error log for why. */
  dead: number;
  /** Age in seconds of the oldest pending row, 0 when none. */
  oldestPendingSeconds: number;
}

/**
 * The outbox insert, for a statement of its own or as a data-modifying CTE inside the writer's
 * statement (call ingest adds it to its projection update: no extra round trip on the hot path).
 * Until the grace has passed, the sweep leaves a row to the live dispatch.
 */
export function outboxInsert(messages: readonly OutboxMessage[]): {
  sql: string;
  bindings: [number, string];
} {
  return {
    sql: `insert into "outbox" ("id", "topic", "payload", "next_attempt_at")
          select m."id", m."topic", m."payload", now() + make_interval(secs => ?)
            from jsonb_to_recordset(?::jsonb) as m("id" uuid, "topic" text, "payload" jsonb)`,
    bindings: [
      OUTBOX_GRACE_SECONDS,
      JSON.stringify(messages.map((m) => ({ id: m.id, topic: m.topic, payload: m.payload }))),
    ],
  };
}

/** The SQL of the transactional outbox (table `outbox`, see Migration20261129080000_outbox). */
@Injectable()
export class OutboxRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly sql: LeanSql,
  ) {}

  /** Inside the caller's transaction, with the change the messages follow: one INSERT. */
  async append(tx: EntityManager, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const { sql, bindings } = outboxInsert(messages);
    await tx.execute(sql, bindings);
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.execute(`delete from "outbox" where "id" = any(?::uuid[])`, [pgArray(ids)]);
  }

  /**
   * Takes up to `limit` due rows, oldest first. Rows another sweeper holds are skipped, and a
   * claimed row is leased (its next attempt pushed out) in the same statement, so the claim
   * commits at once and no transaction stays open while the handlers run.
   */
  async claimDue(limit: number): Promise<ClaimedOutboxRow[]> {
    const rows = await this.em.getConnection().execute<
      {
        id: string;
        topic: OutboxTopic;
        payload: unknown;
        attempts: number;
      }[]
    >(
      `with due as (
         select "id" from "outbox"
          where "dead_at" is null and "next_attempt_at" <= now()
          order by "next_attempt_at", "created_at"
          limit ?
            for update skip locked
       )
       update "outbox" o
          set "attempts" = o."attempts" + 1, "next_attempt_at" = now() + make_interval(secs => ?)
         from due where o."id" = due."id"
       returning o."id", o."topic", o."payload", o."attempts", o."created_at"`,
      [limit, OUTBOX_LEASE_SECONDS],
    );
    return rows as ClaimedOutboxRow[];
  }

  async retryLater(id: string, delaySeconds: number, error: string): Promise<void> {
    await this.em
      .getConnection()
      .execute(
        `update "outbox" set "next_attempt_at" = now() + make_interval(secs => ?), "last_error" = ? where "id" = ?`,
        [delaySeconds, error.slice(0, 2000), id],
      );
  }

  async bury(id: string, error: string): Promise<void> {
    await this.em
      .getConnection()
      .execute(`update "outbox" set "dead_at" = now(), "last_error" = ? where "id" = ?`, [
        error.slice(0, 2000),
        id,
      ]);
  }

  /** Bounded retention: delivered rows are deleted at once; dead letters after some days. */
  async purgeDead(): Promise<number> {
    const rows = await this.em.getConnection().execute<{ n: number }[]>(
      `with gone as (
         delete from "outbox" where "dead_at" < now() - make_interval(days => ?) returning 1
       ) select count(*)::int as "n" from gone`,
      [OUTBOX_DEAD_RETENTION_DAYS],
    );
    return rows[0]?.n ?? 0;
  }

  async counts(): Promise<OutboxCounts> {
    const rows = await this.em.getConnection().execute<OutboxCounts[]>(
      `select count(*) filter (where "dead_at" is null)::int as "pending",
              count(*) filter (where "dead_at" is not null)::int as "dead",
              coalesce(extract(epoch from now() - min("created_at") filter (where "dead_at" is null)), 0)::int
                as "oldestPendingSeconds"
         from "outbox"`,
    );
    return rows[0];
  }
}
