import { Injectable } from '@nestjs/common';
import type { LeanTx } from '@/database/lean-sql';
import type { CallEventFact, CallProjection, CallStatus } from '@/modules/calls/call-projection';
import { OutboxMessage } from '@/outbox/outbox.catalogue';
import { outboxInsert } from '@/outbox/outbox.repository';

/** The call row as the router's step path needs it: the ids it keeps unless a code moved. */
export interface StepCallRow {
  id: string;
  external_id: string;
  status: CallStatus;
  event_count: number;
  line_code: string | null;
  queue_code: string | null;
  answered_by_code: string | null;
  answered_by_id: string | null;
  from_number: string | null;
  client_id: string | null;
  contact_id: string | null;
  priority: number;
}

/** One router step as stored: `agent` is the person's username, the code telephony also knows. */
export interface StoredStep {
  id: string;
  callId: string;
  type: CallEventFact['type'];
  at: Date;
  line: string | null;
  queue: string | null;
  agent: string | null;
}

interface EventRow {
  fresh: boolean;
  call_id: string;
  id: string;
  type: CallEventFact['type'];
  /** Epoch milliseconds: the driver returns timestamps as text under MikroORM. */
  at_ms: number;
  line: string | null;
  queue: string | null;
  agent: string | null;
  from: string | null;
  to: string | null;
}

/** A projection to write, with the ids the step path resolved (null: resolve from the code). */
export interface StepProjection {
  id: string;
  projection: CallProjection;
  answeredById: string | null;
}

function run<T>(tx: LeanTx, sql: string, bindings: readonly unknown[]): Promise<T[]> {
  return tx.execute<T[]>(sql, bindings);
}

/**
 * The SQL of the router's direct path into a call's event log (see CallStepsService), on the
 * caller's transaction (LeanSql: real bind parameters, so arrays stay arrays; each text
 * prepared once per connection).
 */
@Injectable()
export class CallStepsRepository {
  /** Locks the calls in id order (the ingest locks in the same order: no deadlocks). */
  async lock(trx: LeanTx, callIds: readonly string[]): Promise<StepCallRow[]> {
    return run<StepCallRow>(
      trx,
      `select "id", "external_id", "status", "event_count", "line_code", "queue_code",
              "answered_by_code", "answered_by_id", "from_number", "client_id", "contact_id", "priority"
         from "calls" where "id" = any(?::uuid[]) order by "id" for update`,
      [callIds],
    );
  }

  /**
   * Inserts the steps (a repeated id is a duplicate) and returns, for the calls that got a new
   * one, every event they have: the statement's snapshot does not see its own inserts, so the
   * new ones come from RETURNING and none twice.
   */
  async insertAndReload(
    trx: LeanTx,
    steps: readonly StoredStep[],
  ): Promise<{ fresh: Set<string>; facts: Map<string, CallEventFact[]> }> {
    const rows = await run<EventRow>(
      trx,
      `with inserted as (
         insert into "call_events" ("id", "call_id", "type", "at", "line", "queue", "agent", "source", "received_at")
         select e."id", e."call_id", e."type", e."at", e."line", e."queue", e."agent", 'system', now()
           from unnest(?::text[], ?::uuid[], ?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::text[])
             as e("id", "call_id", "type", "at", "line", "queue", "agent")
         on conflict ("id") do nothing
         returning "id", "call_id", "type", "at", "line", "queue", "agent", "from", "to"
       )
       select true as "fresh", "call_id", "id", "type", (extract(epoch from "at") * 1000)::float8 as "at_ms",
              "line", "queue", "agent", "from", "to"
         from inserted
       union all
       select false, "call_id", "id", "type", (extract(epoch from "at") * 1000)::float8,
              "line", "queue", "agent", "from", "to"
         from "call_events" where "call_id" in (select "call_id" from inserted)`,
      [
        steps.map((s) => s.id),
        steps.map((s) => s.callId),
        steps.map((s) => s.type),
        steps.map((s) => s.at),
        steps.map((s) => s.line),
        steps.map((s) => s.queue),
        steps.map((s) => s.agent),
      ],
    );
    const fresh = new Set(rows.filter((r) => r.fresh).map((r) => r.id));
    const facts = new Map<string, CallEventFact[]>();
    for (const r of rows) {
      const list = facts.get(r.call_id) ?? [];
      list.push({
        id: r.id,
        type: r.type,
        at: new Date(Math.round(r.at_ms)),
        line: r.line,
        queue: r.queue,
        agent: r.agent,
        from: r.from,
        to: r.to,
      });
      facts.set(r.call_id, list);
    }
    return { fresh, facts };
  }

  /**
   * Writes the projections and, in the same statement, the outbox rows of the calls whose status
   * changed. Line, queue and answerer ids are kept while their code is unchanged; a code that
   * moved (a transfer to another queue) is resolved inside the statement.
   */
  async writeProjections(
    trx: LeanTx,
    calls: readonly StepProjection[],
    changes: readonly OutboxMessage[],
  ): Promise<void> {
    const p = calls.map((c) => c.projection);
    const outbox = changes.length > 0 ? outboxInsert(changes) : null;
    await run(
      trx,
      `${outbox ? 'with "projected" as (' : ''}update "calls" as c set
         "status" = v."status", "outcome" = v."outcome",
         "arrived_at" = v."arrived_at", "queued_at" = v."queued_at",
         "first_offered_at" = v."first_offered_at", "answered_at" = v."answered_at",
         "ended_at" = v."ended_at", "last_event_at" = v."last_event_at",
         "line_code" = v."line_code", "queue_code" = v."queue_code",
         "answered_by_code" = v."answered_by_code", "last_agent_code" = v."last_agent_code",
         "to_number" = v."to_number",
         "transfers" = v."transfers", "offers" = v."offers", "event_count" = v."event_count",
         "line_id" = case when v."line_code" is not distinct from c."line_code" then c."line_id"
                     else (select l."id" from "lines" l where l."code" = lower(v."line_code")) end,
         "queue_id" = case when v."queue_code" is not distinct from c."queue_code" then c."queue_id"
                      else (select q."id" from "queues" q where q."code" = lower(v."queue_code")) end,
         "answered_by_id" = case
           when v."answered_by_code" is not distinct from c."answered_by_code" then c."answered_by_id"
           when v."answered_by_id" is not null then v."answered_by_id"
           else (select u."id" from "users" u
                  where u."extension" = v."answered_by_code" or u."username" = lower(v."answered_by_code")
                  order by (u."extension" = v."answered_by_code") desc nulls last limit 1) end,
         "updated_at" = now()
       from unnest(
         ?::uuid[], ?::text[], ?::text[],
         ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[],
         ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
         ?::int[], ?::int[], ?::int[], ?::uuid[]
       ) as v(
         "id", "status", "outcome",
         "arrived_at", "queued_at", "first_offered_at", "answered_at", "ended_at", "last_event_at",
         "line_code", "queue_code", "answered_by_code", "last_agent_code", "to_number",
         "transfers", "offers", "event_count", "answered_by_id"
       )
       where c."id" = v."id"${outbox ? `) ${outbox.sql}` : ''}`,
      [
        calls.map((c) => c.id),
        p.map((x) => x.status),
        p.map((x) => x.outcome),
        p.map((x) => x.arrivedAt),
        p.map((x) => x.queuedAt),
        p.map((x) => x.firstOfferedAt),
        p.map((x) => x.answeredAt),
        p.map((x) => x.endedAt),
        p.map((x) => x.lastEventAt),
        p.map((x) => x.line),
        p.map((x) => x.queue),
        p.map((x) => x.answeredBy),
        p.map((x) => x.lastAgent),
        p.map((x) => x.toNumber),
        p.map((x) => x.transfers),
        p.map((x) => x.offers),
        p.map((x) => x.eventCount),
        calls.map((c) => c.answeredById),
        ...(outbox ? outbox.bindings : []),
      ],
    );
  }

  /**
   * One router step that is the call's latest event, in ONE statement: the event is inserted and
   * the row set to `next` (computed by `projectNext` from `expected`, the row as last written)
   * only if the row is still `expected` (same event count and last event time, checked under the
   * row's lock), with the outbox row and the note when given. `matched` false: the row moved on
   * (or is gone), nothing was written; `inserted` false: the step's id was already there.
   */
  async appendLatest(
    tx: LeanTx,
    step: StoredStep,
    expected: { eventCount: number; lastEventAt: Date },
    next: StepProjection,
    note: string | null,
    change: OutboxMessage | null,
  ): Promise<{ matched: boolean; inserted: boolean }> {
    const p = next.projection;
    const outbox = change ? outboxInsert([change]) : null;
    const rows = await run<{ matched: number; inserted: number }>(
      tx,
      `with "cur" as (
         select "id" from "calls"
          where "id" = ?::uuid and "event_count" = ?::int and "last_event_at" = ?::timestamptz
          for update
       ), "ins" as (
         insert into "call_events" ("id", "call_id", "type", "at", "line", "queue", "agent", "source", "received_at")
         select ?::text, "cur"."id", ?::text, ?::timestamptz, ?::text, ?::text, ?::text, 'system', now() from "cur"
         on conflict ("id") do nothing
         returning "call_id"
       ), "upd" as (
         update "calls" as c set
           "status" = ?::text, "outcome" = ?::text,
           "queued_at" = ?::timestamptz, "first_offered_at" = ?::timestamptz,
           "answered_at" = ?::timestamptz, "ended_at" = ?::timestamptz, "last_event_at" = ?::timestamptz,
           "line_code" = ?::text, "queue_code" = ?::text,
           "answered_by_code" = ?::text, "last_agent_code" = ?::text, "to_number" = ?::text,
           "transfers" = ?::int, "offers" = ?::int, "event_count" = ?::int,
           "queue_id" = case when ?::text is not distinct from c."queue_code" then c."queue_id"
                        else (select q."id" from "queues" q where q."code" = lower(?::text)) end,
           "answered_by_id" = case
             when ?::text is not distinct from c."answered_by_code" then c."answered_by_id"
             when ?::uuid is not null then ?::uuid
             else (select u."id" from "users" u
                    where u."extension" = ?::text or u."username" = lower(?::text)
                    order by (u."extension" = ?::text) desc nulls last limit 1) end,
           "note" = case when ?::text is null then c."note" else concat_ws(chr(10), c."note", ?::text) end,
           "updated_at" = now()
         from "ins" where c."id" = "ins"."call_id"
         returning c."id"
       )${outbox ? `, "ob" as (${outbox.sql} where exists (select 1 from "upd"))` : ''}
       select (select count(*) from "cur")::int as "matched", (select count(*) from "upd")::int as "inserted"`,
      [
        next.id,
        expected.eventCount,
        expected.lastEventAt,
        step.id,
        step.type,
        step.at,
        step.line,
        step.queue,
        step.agent,
        p.status,
        p.outcome,
        p.queuedAt,
        p.firstOfferedAt,
        p.answeredAt,
        p.endedAt,
        p.lastEventAt,
        p.line,
        p.queue,
        p.answeredBy,
        p.lastAgent,
        p.toNumber,
        p.transfers,
        p.offers,
        p.eventCount,
        p.queue,
        p.queue,
        p.answeredBy,
        next.answeredById,
        next.answeredById,
        p.answeredBy,
        p.answeredBy,
        p.answeredBy,
        note,
        note,
        ...(outbox ? outbox.bindings : []),
      ],
    );
    return { matched: rows[0].matched > 0, inserted: rows[0].inserted > 0 };
  }

  async appendNotes(
    trx: LeanTx,
    notes: readonly { callId: string; note: string }[],
  ): Promise<void> {
    if (notes.length === 0) return;
    await run(
      trx,
      `update "calls" as c set "note" = concat_ws(chr(10), c."note", v."note")
         from unnest(?::uuid[], ?::text[]) as v("id", "note") where c."id" = v."id"`,
      [notes.map((n) => n.callId), notes.map((n) => n.note)],
    );
  }
}
