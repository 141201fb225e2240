import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LeanSql, LeanTx } from '@/database/lean-sql';
import { AppConfig } from '@/config/app-config';
import { AppError } from '@/common/errors/app-error';
import {
  CallEventFact,
  CallProjection,
  CallStatus,
  compareEvents,
  projectCall,
} from '@/modules/calls/call-projection';
import { changedEvent, summaryOf } from '@/modules/calls/calls.events';
import type { CallEventSource } from '@/modules/calls/entities/call-event.entity';
import type { CallSource } from '@/modules/calls/entities/call.entity';
import type { UnmappedCodeKind } from '@/modules/calls/entities/unmapped-code.entity';
import type { IncomingCallEvent } from '@/modules/calls/telephony-event';
import { normalizePhone } from '@/modules/directory/phone-number';
import { OutboxMessage, outboxMessage } from '@/outbox/outbox.catalogue';
import { outboxInsert } from '@/outbox/outbox.repository';
import { KnownCall, KnownCalls } from '@/modules/calls/known-calls';
import { OutboxRelay } from '@/outbox/outbox.relay';

/** Caller numbers whose normalised form is kept (normalizeCaller); then the memory starts over. */
const MAX_REMEMBERED_CALLERS = 20_000;

/** Calls whose latest event is older than this are history: stored, but not pushed live. */
export const LIVE_WINDOW_MS = 6 * 3600 * 1000;

/** What a receptionist adds to a call she registers; only used when the batch creates the call. */
export interface NewCallFields {
  clientId: string | null;
  topic: string | null;
  note: string | null;
  priority: number;
}

export interface IngestOptions {
  source: CallEventSource;
  /** Keyed by external id. */
  newCalls?: ReadonlyMap<string, NewCallFields>;
  /**
   * Keyed by external id: a line appended to the call's note, in the same transaction and only
   * when the batch adds an event to that call, so a replayed batch does not repeat it.
   */
  notes?: ReadonlyMap<string, string>;
  /**
   * The caller rebuilds the statistics of the span it stored (the history import): a call that
   * changes outside the live window then writes no `call.changed` outbox row. Such a row's one
   * reaction is the statistics' dirty hint; routing, alerts and call-backs ignore history, and a
   * row per imported call would be written, delivered and deleted for nothing.
   */
  rebuildsStats?: boolean;
  /**
   * Most calls of the batch are new to the database (a history import): each new call is inserted
   * once in its projected final state with its events, instead of inserted, locked, reloaded and
   * updated. Calls that already exist (a call cut by a batch boundary, a re-import, calls the live
   * connector saw) go through the general path in the same transaction, so the rows are the same.
   * Not with `newCalls` or `notes`, which only the general path applies.
   */
  mostlyNew?: boolean;
}

export interface IngestResult {
  /** Per input event, in input order. A repeated id in the same batch is a duplicate. */
  statuses: ('accepted' | 'duplicate')[];
  /** calls.id by external id, for every call the batch named. */
  callIds: Map<string, string>;
}

/** Raw SQL on the batch's transaction, with real bind parameters (arrays stay arrays). */
type Rows = <T>(sql: string, bindings: readonly unknown[]) => Promise<T[]>;

/** LeanSql: real bind parameters (arrays stay arrays), each text prepared once per connection. */
function rowsOf(tx: LeanTx): Rows {
  return <T>(sql: string, bindings: readonly unknown[]): Promise<T[]> =>
    tx.execute<T[]>(sql, bindings);
}

/** What one batch's write stored: accepted event ids, call ids by external id, call changes. */
interface BatchWritten {
  accepted: Set<string>;
  callIds: Map<string, string>;
  changed: OutboxMessage<'call.changed'>[];
  /** The call rows as written. */
  written: ProjectedCall[];
}

interface LockedCall {
  id: string;
  external_id: string;
  status: CallStatus;
  event_count: number;
  from_number: string | null;
  client_id: string | null;
  contact_id: string | null;
  priority: number;
}

const LOCKED_COLUMNS = `"id", "external_id", "status", "event_count", "from_number", "client_id", "contact_id", "priority"`;

/**
 * The directory rows for the codes of the CTE "codes" (line, queue: lower case; agent: as sent),
 * one statement for the three kinds. `<kind>-mapped` is a code an admin mapped
 * (CodeMappingsService); the directory's own wins.
 */
const CODE_LOOKUP_SQL = `select 'line' as "kind", "id", "code", null as "username", null as "extension"
           from "lines" where lower("code") = any(array(select "line" from "codes" where "line" is not null))
         union all
         select 'queue', "id", "code", null, null
           from "queues" where lower("code") = any(array(select "queue" from "codes" where "queue" is not null))
         union all
         select 'agent', "id", null, "username", "extension" from "users"
          where "extension" = any(array(select "agent" from "codes" where "agent" is not null))
             or "username" = any(array(select lower("agent") from "codes" where "agent" is not null))
         union all
         select m."kind" || '-mapped', coalesce(m."line_id", m."queue_id", m."user_id"), m."code", null, null
           from "code_mappings" m
          where (m."kind" = 'line' and m."code" = any(array(select "line" from "codes" where "line" is not null)))
             or (m."kind" = 'queue' and m."code" = any(array(select "queue" from "codes" where "queue" is not null)))
             or (m."kind" = 'agent' and m."code" = any(array(select "agent" from "codes" where "agent" is not null)))`;

/**
 * The client and contact person of each number of the array parameter: DirectoryLookupService
 * .lookupByPhone's rule (a contact person's number wins over a client's own; among contacts the
 * highest priority, then name, then id; among clients name, then id) as one statement for the
 * whole batch: one GIN probe per distinct number inside PostgreSQL. Keep the two in step.
 */
const CALLER_MATCH_SQL = `select p."phone", ct."id" as "contact_id", coalesce(ct."client_id", cl."id") as "client_id"
       from unnest(?::text[]) as p("phone")
       left join lateral (
         select "id", "client_id" from "contact_persons" where "phones" @> array[p."phone"]
         order by "priority" desc, "name" asc, "id" asc limit 1
       ) ct on true
       left join lateral (
         select "id" from "clients" where ct."id" is null and "phones" @> array[p."phone"]
         order by "name" asc, "id" asc limit 1
       ) cl on true`;

interface FoundCode {
  kind: 'line' | 'queue' | 'agent' | 'line-mapped' | 'queue-mapped' | 'agent-mapped';
  id: string;
  code: string | null;
  username: string | null;
  extension: string | null;
}

interface CallerMatch {
  phone: string;
  contact_id: string | null;
  client_id: string | null;
}

/** A row of the events' statement: a new event, an earlier one, or the directory's answers. */
interface StoredRow extends Omit<StoredEvent, 'call_id'> {
  part: 'new' | 'earlier' | 'directory';
  call_id: string;
  found: FoundCode[] | null;
  callers: CallerMatch[] | null;
}

/** The codes the batch's events name, as the directory look-up compares them. */
function incomingCodes(events: readonly IncomingCallEvent[]) {
  const lines = new Set<string>();
  const queues = new Set<string>();
  const agents = new Set<string>();
  for (const e of events) {
    if (e.line !== null) lines.add(codeKey(e.line));
    if (e.queue !== null) queues.add(codeKey(e.queue));
    if (e.agent !== null) agents.add(e.agent);
  }
  return { lines: [...lines], queues: [...queues], agents: [...agents] };
}

interface StoredEvent {
  call_id: string;
  id: string;
  type: CallEventFact['type'];
  /** Epoch milliseconds: MikroORM has the driver return timestamps as text. */
  at_ms: number;
  line: string | null;
  queue: string | null;
  agent: string | null;
  from: string | null;
  to: string | null;
}

interface ProjectedCall {
  row: LockedCall;
  projection: CallProjection;
  /** The agent code of the latest answer. */
  currentAgent: string | null;
  closed: boolean;
  fromNumber: string | null;
  lineId: string | null;
  queueId: string | null;
  answeredById: string | null;
  currentAgentId: string | null;
  clientId: string | null;
  contactId: string | null;
}

interface CodeIds {
  line: Map<string, string>;
  queue: Map<string, string>;
  agent: Map<string, string>;
}

/**
 * The one write path for call events, whatever their source (telephony batches, manual
 * registration, routing). Set-based so a 5,000-event history import is a handful of statements
 * in one transaction rather than thousands of round trips:
 *
 * 1. create the missing call rows, then lock every named call in id order (row locks serialise
 *    concurrent batches that touch the same call, and one order means no deadlocks);
 * 2. insert all events at once; `on conflict do nothing returning id` says which were new;
 * 3. reload every event of the calls that got new ones, recompute each projection from all of
 *    them (so the row converges whatever the delivery order), resolve codes, match the caller,
 *    and write all rows back in one `update … from unnest(…)`.
 *
 * Each call whose status changed gets a `call.changed` outbox row in the same statement as the
 * projection update; after the commit the rows are dispatched (console delta, routing, alerts —
 * see call-changes.handler.ts), and the relay's sweep delivers any a killed process left behind.
 */
@Injectable()
export class CallIngestService {
  private readonly callers = new Map<string, string>();

  constructor(
    private readonly sql: LeanSql,
    private readonly config: AppConfig,
    private readonly outbox: OutboxRelay,
    private readonly known: KnownCalls,
  ) {}

  async ingest(
    events: readonly IncomingCallEvent[],
    options: IngestOptions,
  ): Promise<IngestResult> {
    const statuses: IngestResult['statuses'] = [];
    const unique: IncomingCallEvent[] = [];
    const seen = new Set<string>();
    for (const event of events) {
      statuses.push(seen.has(event.id) ? 'duplicate' : 'accepted');
      if (!seen.has(event.id)) unique.push(event);
      seen.add(event.id);
    }
    if (unique.length === 0) return { statuses, callIds: new Map() };

    const fast = options.mostlyNew === true && !options.newCalls && !options.notes;
    const { accepted, callIds, changed, written } = await this.sql
      .transaction((tx) =>
        fast ? this.writeNew(tx, unique, options) : this.write(tx, unique, options),
      )
      .catch((err: unknown) => {
        // An event id already stored under another call: the general path says which.
        if (!(err instanceof EventIdTaken)) throw err;
        return this.sql.transaction((tx) => this.write(tx, unique, options));
      });
    events.forEach((event, index) => {
      if (statuses[index] === 'accepted' && !accepted.has(event.id)) statuses[index] = 'duplicate';
    });
    // Committed: the router's next step on a live call here can start from the row (one statement).
    if (options.rebuildsStats !== true)
      for (const call of written) if (!call.closed) this.known.remember(knownCall(call));
    // Not awaited: the reactions run on (a routing reaction may itself be recording events here).
    void this.outbox.dispatch(changed);
    return { statuses, callIds };
  }

  private async write(
    tx: LeanTx,
    events: IncomingCallEvent[],
    options: IngestOptions,
  ): Promise<BatchWritten> {
    const rows = rowsOf(tx);

    const locked = await this.createAndLockCalls(rows, events, options);
    const callIds = new Map([...locked.values()].map((row) => [row.external_id, row.id]));

    // One round trip: the ids of the new events come back from RETURNING (the rest of them is in
    // `events`), the calls' earlier events from the table (the statement's snapshot does not see
    // its own inserts, so none twice), and in one more row the directory's ids for every code
    // those events name and the match of each new caller's number (see resolveCodes and
    // matchCallers, which the row saves a statement each).
    const incoming = incomingCodes(events);
    // Each distinct number is normalised once, here and for the projections below.
    const normalized = new Map<string, string | null>();
    const caller = (raw: string | null): string | null => {
      if (raw === null) return null;
      if (!normalized.has(raw)) normalized.set(raw, this.normalizeCaller(raw));
      return normalized.get(raw) ?? null;
    };
    const phones = [
      ...new Set(
        events.flatMap((e) => {
          const row = locked.get(callIds.get(e.callId) ?? '');
          const phone = row && row.from_number === null ? caller(e.from) : null;
          return phone !== null && phone.startsWith('+') ? [phone] : [];
        }),
      ),
    ];
    const stored = await rows<StoredRow>(
      `with inserted as (
         insert into "call_events" ("id", "call_id", "type", "at", "line", "queue", "agent", "from", "to", "source", "received_at")
         select e."id", e."call_id", e."type", e."at", e."line", e."queue", e."agent", e."from", e."to", ?, now()
         from unnest(?::text[], ?::uuid[], ?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
           as e("id", "call_id", "type", "at", "line", "queue", "agent", "from", "to")
         on conflict ("id") do nothing
         returning "id", "call_id"
       ), "earlier" as (
         select e.* from (select distinct "call_id" from inserted) k
         cross join lateral (
           -- OFFSET 0 keeps this a look-up per call: flattened into a join, the planner (which
           -- cannot tell how few calls the batch names) hashes them and scans the whole table.
           select * from "call_events" where "call_id" = k."call_id" offset 0
         ) e
       ), "codes" as (
         select lower(o."line") as "line", lower(o."queue") as "queue", o."agent" from "earlier" o
         union
         select * from unnest(?::text[], ?::text[], ?::text[])
       ), "found" as (
         ${CODE_LOOKUP_SQL}
       ), "callers" as (
         ${CALLER_MATCH_SQL}
       )
       select 'new' as "part", "call_id", "id", null as "type", null::float8 as "at_ms",
              null as "line", null as "queue", null as "agent", null as "from", null as "to",
              null::json as "found", null::json as "callers"
         from inserted
       union all
       select 'earlier', e."call_id", e."id", e."type", (extract(epoch from e."at") * 1000)::float8,
              e."line", e."queue", e."agent", e."from", e."to", null, null
         from "earlier" e
       union all
       select 'directory', null, null, null, null, null, null, null, null, null,
              (select json_agg(f) from "found" f), (select json_agg(c) from "callers" c)
        where exists (select 1 from inserted)`,
      [
        options.source,
        events.map((e) => e.id),
        events.map((e) => callIds.get(e.callId)),
        events.map((e) => e.type),
        events.map((e) => e.at),
        events.map((e) => e.line),
        events.map((e) => e.queue),
        events.map((e) => e.agent),
        events.map((e) => e.from),
        events.map((e) => e.to),
        incoming.lines,
        incoming.queues,
        incoming.agents,
        phones,
      ],
    );
    const directory = stored.find((r) => r.part === 'directory');
    const byId = new Map(events.map((e) => [e.id, e]));
    const accepted = new Set<string>();
    const byCall = new Map<string, CallEventFact[]>();
    for (const e of stored) {
      if (e.part === 'directory') continue;
      let fact: CallEventFact;
      if (e.part === 'new') {
        accepted.add(e.id);
        const event = byId.get(e.id);
        if (!event) throw new Error(`event ${e.id} stored but not sent`);
        const { id, type, at, line, queue, agent, from, to } = event;
        fact = { id, type, at, line, queue, agent, from, to };
      } else {
        fact = {
          id: e.id,
          type: e.type,
          at: new Date(Math.round(e.at_ms)),
          line: e.line,
          queue: e.queue,
          agent: e.agent,
          from: e.from,
          to: e.to,
        };
      }
      const list = byCall.get(e.call_id);
      if (list) list.push(fact);
      else byCall.set(e.call_id, [fact]);
    }
    const touched = [
      ...new Set(stored.flatMap((r) => (r.part === 'new' && r.call_id ? [r.call_id] : []))),
    ];
    if (touched.length === 0) return { accepted, callIds, changed: [], written: [] };

    const projections = touched.map((id) => {
      const row = locked.get(id);
      const facts = byCall.get(id);
      if (!row || !facts) throw new Error(`call ${id} vanished inside its own transaction`);
      return { row, projection: projectCall(facts), currentAgent: latestAnswerer(facts) };
    });
    const acceptedEvents = events.filter((e) => accepted.has(e.id));
    const ids = this.codeIds(
      directory?.found ?? [],
      projections.map((p) => p.projection),
      acceptedEvents,
      projections.flatMap((p) => (p.currentAgent === null ? [] : [p.currentAgent])),
    );
    await this.recordUnmapped(rows, ids, acceptedEvents);
    const projected = await this.matchCallers(
      rows,
      directory?.callers ?? [],
      projections.map((p) => this.resolved(p, ids)),
    );
    const changed = changesOf(projected, options);
    await this.writeProjections(rows, projected, changed);
    await this.appendNotes(rows, projected, options.notes);
    return { accepted, callIds, changed, written: projected };
  }

  /**
   * `mostlyNew`: every call of the batch is projected from the batch's events and inserted in
   * that state (`on conflict do nothing`, in external-id order like createAndLockCalls, so
   * concurrent batches take the unique-index locks in one order); the events of the calls that
   * went in are inserted after them, and the events of the calls that were already there go
   * through `write` (lock, store, reload, recompute). A call that conflicts was committed before
   * the insert returned (PostgreSQL waits for the inserting transaction), so `write` sees all of
   * its earlier events. Four statements per batch instead of seven, and each new call row is
   * written once instead of inserted and then updated with all its indexes.
   */
  private async writeNew(
    tx: LeanTx,
    events: IncomingCallEvent[],
    options: IngestOptions,
  ): Promise<BatchWritten> {
    const rows = rowsOf(tx);
    const byCall = new Map<string, IncomingCallEvent[]>();
    for (const event of events) {
      const list = byCall.get(event.callId);
      if (list) list.push(event);
      else byCall.set(event.callId, [event]);
    }
    const drafts = [...byCall].map(([externalId, own]) => {
      const facts: CallEventFact[] = own.map(({ id, type, at, line, queue, agent, from, to }) => ({
        id,
        type,
        at,
        line,
        queue,
        agent,
        from,
        to,
      }));
      const row: LockedCall = {
        id: randomUUID(),
        external_id: externalId,
        status: 'arrived',
        event_count: 0,
        from_number: null,
        client_id: null,
        contact_id: null,
        priority: 0,
      };
      return { row, projection: projectCall(facts), currentAgent: latestAnswerer(facts) };
    });
    const projections = drafts.map((d) => d.projection);
    const currentAgents = drafts.flatMap((d) => (d.currentAgent === null ? [] : [d.currentAgent]));
    const found = await this.findCodes(rows, projections, events, currentAgents);
    const ids = this.codeIds(found, projections, events, currentAgents);
    const calls = await this.matchCallers(
      rows,
      [],
      drafts.map((d) => this.resolved(d, ids)),
    );
    const inserted = await this.insertProjections(rows, calls, options.source);
    const fresh = new Set(inserted.map((r) => r.external_id));
    const newCalls = calls.filter((c) => fresh.has(c.row.external_id));
    const newEvents = events.filter((e) => fresh.has(e.callId));
    await this.insertEvents(rows, newEvents, newCalls, options.source);
    await this.recordUnmapped(rows, ids, newEvents);
    const changed = changesOf(newCalls, options);
    if (changed.length > 0) {
      const outbox = outboxInsert(changed);
      await rows(outbox.sql, outbox.bindings);
    }

    const accepted = new Set(newEvents.map((e) => e.id));
    const callIds = new Map(newCalls.map((c) => [c.row.external_id, c.row.id]));
    const rest = events.filter((e) => !fresh.has(e.callId));
    if (rest.length === 0) return { accepted, callIds, changed, written: newCalls };
    const old = await this.write(tx, rest, options);
    for (const id of old.accepted) accepted.add(id);
    for (const [externalId, id] of old.callIds) callIds.set(externalId, id);
    return {
      accepted,
      callIds,
      changed: [...changed, ...old.changed],
      written: [...newCalls, ...old.written],
    };
  }

  /**
   * New calls in their final state; returns the ones that were not there yet. The rows travel
   * as one JSON document: JSON.stringify is native, where binding two dozen arrays escapes every
   * element in JavaScript (pg's arrayString was a tenth of the import's CPU). Times go as epoch
   * milliseconds (to_timestamp of ms / 1000 is exact to the millisecond): a Date's toJSON cost
   * more than the rest of the document.
   */
  private async insertProjections(
    rows: Rows,
    calls: ProjectedCall[],
    source: CallEventSource,
  ): Promise<{ external_id: string }[]> {
    const values = calls.map(({ row, projection: p, ...c }) => ({
      id: row.id,
      external_id: row.external_id,
      status: p.status,
      outcome: p.outcome,
      arrived_at: ms(p.arrivedAt),
      queued_at: ms(p.queuedAt),
      first_offered_at: ms(p.firstOfferedAt),
      answered_at: ms(p.answeredAt),
      ended_at: ms(p.endedAt),
      last_event_at: ms(p.lastEventAt),
      line_code: p.line,
      queue_code: p.queue,
      answered_by_code: p.answeredBy,
      last_agent_code: p.lastAgent,
      from_number: c.fromNumber,
      to_number: p.toNumber,
      transfers: p.transfers,
      offers: p.offers,
      event_count: p.eventCount,
      line_id: c.lineId,
      queue_id: c.queueId,
      answered_by_id: c.answeredById,
      client_id: c.clientId,
      contact_id: c.contactId,
    }));
    return rows<{ external_id: string }>(
      `insert into "calls" (
         "id", "external_id", "source", "status", "outcome",
         "arrived_at", "queued_at", "first_offered_at", "answered_at", "ended_at", "last_event_at",
         "line_code", "queue_code", "answered_by_code", "last_agent_code", "from_number", "to_number",
         "transfers", "offers", "event_count",
         "line_id", "queue_id", "answered_by_id", "client_id", "contact_id",
         "priority", "created_at", "updated_at")
       select v."id", v."external_id", ?, v."status", v."outcome",
              to_timestamp(v."arrived_at" / 1000), to_timestamp(v."queued_at" / 1000),
              to_timestamp(v."first_offered_at" / 1000), to_timestamp(v."answered_at" / 1000),
              to_timestamp(v."ended_at" / 1000), to_timestamp(v."last_event_at" / 1000),
              v."line_code", v."queue_code", v."answered_by_code", v."last_agent_code", v."from_number", v."to_number",
              v."transfers", v."offers", v."event_count",
              v."line_id", v."queue_id", v."answered_by_id", v."client_id", v."contact_id",
              0, now(), now()
       from json_to_recordset(?::json) as v(
         "id" uuid, "external_id" text, "status" text, "outcome" text,
         "arrived_at" float8, "queued_at" float8, "first_offered_at" float8,
         "answered_at" float8, "ended_at" float8, "last_event_at" float8,
         "line_code" text, "queue_code" text, "answered_by_code" text, "last_agent_code" text,
         "from_number" text, "to_number" text,
         "transfers" int, "offers" int, "event_count" int,
         "line_id" uuid, "queue_id" uuid, "answered_by_id" uuid, "client_id" uuid, "contact_id" uuid
       )
       order by v."external_id"
       on conflict ("external_id") do nothing
       returning "external_id"`,
      [source === 'telephony' ? 'telephony' : 'manual', JSON.stringify(values)],
    );
  }

  /**
   * The events of calls this transaction created, as one JSON document like their calls. Their
   * ids should be new too; one taken (posted for another call) throws EventIdTaken, and the
   * batch is redone by `write`.
   */
  private async insertEvents(
    rows: Rows,
    events: IncomingCallEvent[],
    calls: ProjectedCall[],
    source: CallEventSource,
  ): Promise<void> {
    if (events.length === 0) return;
    const callId = new Map(calls.map((c) => [c.row.external_id, c.row.id]));
    const values = events.map(
      ({ id, callId: externalId, type, at, line, queue, agent, from, to }) => ({
        id,
        call_id: callId.get(externalId),
        type,
        at: at.getTime(),
        line,
        queue,
        agent,
        from,
        to,
      }),
    );
    const [{ n }] = await rows<{ n: number }>(
      `with inserted as (
         insert into "call_events" ("id", "call_id", "type", "at", "line", "queue", "agent", "from", "to", "source", "received_at")
         select e."id", e."call_id", e."type", to_timestamp(e."at" / 1000), e."line", e."queue", e."agent", e."from", e."to", ?, now()
         from json_to_recordset(?::json) as e(
           "id" text, "call_id" uuid, "type" text, "at" float8,
           "line" text, "queue" text, "agent" text, "from" text, "to" text)
         on conflict ("id") do nothing
         returning 1
       )
       select count(*)::int as "n" from inserted`,
      [source, JSON.stringify(values)],
    );
    if (n !== events.length) throw new EventIdTaken();
  }

  /** A projection with its codes resolved to ids and its caller normalised. */
  private resolved(
    draft: { row: LockedCall; projection: CallProjection; currentAgent: string | null },
    ids: CodeIds,
  ): ProjectedCall {
    const { row, projection, currentAgent } = draft;
    return {
      row,
      projection,
      currentAgent,
      closed: !['arrived', 'queued', 'offered', 'answered', 'transferred'].includes(
        projection.status,
      ),
      fromNumber: this.normalizeCaller(projection.fromNumber),
      lineId: mapped(ids.line, codeKey(projection.line)),
      queueId: mapped(ids.queue, codeKey(projection.queue)),
      answeredById: mapped(ids.agent, projection.answeredBy),
      currentAgentId: mapped(ids.agent, currentAgent),
      clientId: row.client_id,
      contactId: row.contact_id,
    };
  }

  /**
   * Inserts in external-id order so two batches creating the same calls take the unique-index
   * locks in one order, then locks the rows in id order for the rest of the transaction.
   */
  private async createAndLockCalls(
    rows: Rows,
    events: IncomingCallEvent[],
    options: IngestOptions,
  ): Promise<Map<string, LockedCall>> {
    const earliest = new Map<string, Date>();
    for (const event of events) {
      const known = earliest.get(event.callId);
      if (!known || event.at < known) earliest.set(event.callId, event.at);
    }
    const externalIds = [...earliest.keys()];
    const fields = externalIds.map((externalId) => options.newCalls?.get(externalId));
    const source: CallSource = options.source === 'telephony' ? 'telephony' : 'manual';
    const values = [
      source,
      externalIds.map(() => randomUUID()),
      externalIds,
      externalIds.map((id) => earliest.get(id)),
      fields.map((f) => f?.clientId ?? null),
      fields.map((f) => f?.topic ?? null),
      fields.map((f) => f?.note ?? null),
      fields.map((f) => f?.priority ?? 0),
    ];
    // arrived_at and last_event_at are placeholders the projection below overwrites.
    const insert = `insert into "calls" ("id", "external_id", "source", "arrived_at", "last_event_at", "client_id", "topic", "note", "priority", "created_at", "updated_at")
       select c."id", c."external_id", ?, c."at", c."at", c."client_id", c."topic", c."note", c."priority", now(), now()
       from unnest(?::uuid[], ?::text[], ?::timestamptz[], ?::uuid[], ?::text[], ?::text[], ?::int[])
         as c("id", "external_id", "at", "client_id", "topic", "note", "priority")
       order by c."external_id"`;
    if (externalIds.length === 1) {
      // One call (every live telephony event): created or locked in one statement. The no-op
      // update takes the row lock a `for update` would (and waits for it the same way), and
      // RETURNING gives the newest version of the row. One row: no lock order to keep.
      const locked = await rows<LockedCall>(
        `${insert}
         on conflict ("external_id") do update set "external_id" = excluded."external_id"
         returning ${LOCKED_COLUMNS}`,
        values,
      );
      return new Map(locked.map((row) => [row.id, row]));
    }
    await rows(`${insert} on conflict ("external_id") do nothing`, values);
    const locked = await rows<LockedCall>(
      `select ${LOCKED_COLUMNS}
       from "calls" where "external_id" = any(?::text[])
       order by "id" for update`,
      [externalIds],
    );
    return new Map(locked.map((row) => [row.id, row]));
  }

  /** The directory rows for every code the batch names, in one statement (writeNew's batches). */
  private async findCodes(
    rows: Rows,
    projections: CallProjection[],
    events: readonly IncomingCallEvent[],
    currentAgents: readonly string[],
  ): Promise<FoundCode[]> {
    const lineCodes = new Set<string>();
    const queueCodes = new Set<string>();
    const agentCodes = new Set<string>();
    for (const p of projections) {
      if (p.line !== null) lineCodes.add(codeKey(p.line));
      if (p.queue !== null) queueCodes.add(codeKey(p.queue));
      if (p.answeredBy !== null) agentCodes.add(p.answeredBy);
    }
    for (const code of currentAgents) agentCodes.add(code);
    for (const e of events) {
      if (e.line !== null) lineCodes.add(codeKey(e.line));
      if (e.queue !== null) queueCodes.add(codeKey(e.queue));
      if (e.agent !== null) agentCodes.add(e.agent);
    }
    const found =
      lineCodes.size + queueCodes.size + agentCodes.size === 0
        ? []
        : await rows<FoundCode>(
            `select 'line' as "kind", "id", "code", null as "username", null as "extension"
               from "lines" where lower("code") = any(?::text[])
             union all
             select 'queue', "id", "code", null, null from "queues" where lower("code") = any(?::text[])
             union all
             select 'agent', "id", null, "username", "extension" from "users"
              where "extension" = any(?::text[]) or "username" = any(?::text[])
             union all
             select m."kind" || '-mapped', coalesce(m."line_id", m."queue_id", m."user_id"),
                    m."code", null, null
               from "code_mappings" m
              where (m."kind" = 'line' and m."code" = any(?::text[]))
                 or (m."kind" = 'queue' and m."code" = any(?::text[]))
                 or (m."kind" = 'agent' and m."code" = any(?::text[]))`,
            [
              [...lineCodes],
              [...queueCodes],
              [...agentCodes],
              [...agentCodes].map((code) => code.toLowerCase()),
              [...lineCodes],
              [...queueCodes],
              [...agentCodes],
            ],
          );
    return found;
  }

  /**
   * The ids of the codes the projections and the new events name, from the directory rows found
   * for them (by the events' statement in `write`, by findCodes in `writeNew`).
   */
  private codeIds(
    found: readonly FoundCode[],
    projections: CallProjection[],
    events: readonly IncomingCallEvent[],
    currentAgents: readonly string[],
  ): CodeIds {
    const agentCodes = new Set<string>(currentAgents);
    for (const p of projections) if (p.answeredBy !== null) agentCodes.add(p.answeredBy);
    for (const e of events) if (e.agent !== null) agentCodes.add(e.agent);
    const lines = found.flatMap((f) =>
      f.kind === 'line' && f.code !== null ? [{ id: f.id, code: f.code }] : [],
    );
    const queues = found.flatMap((f) =>
      f.kind === 'queue' && f.code !== null ? [{ id: f.id, code: f.code }] : [],
    );
    const users = found.flatMap((f) =>
      f.kind === 'agent' && f.username !== null
        ? [{ id: f.id, username: f.username, extension: f.extension }]
        : [],
    );
    const ids: CodeIds = {
      line: new Map(lines.map((l) => [codeKey(l.code), l.id])),
      queue: new Map(queues.map((q) => [codeKey(q.code), q.id])),
      agent: new Map(),
    };
    for (const code of agentCodes) {
      // An extension is what a PBX reports; a username only when the PBX has none configured.
      const user =
        users.find((u) => u.extension === code) ??
        users.find((u) => u.username === code.toLowerCase());
      if (user) ids.agent.set(code, user.id);
    }
    for (const f of found) {
      if (f.code === null) continue;
      const kind =
        f.kind === 'line-mapped'
          ? 'line'
          : f.kind === 'queue-mapped'
            ? 'queue'
            : f.kind === 'agent-mapped'
              ? 'agent'
              : null;
      if (kind !== null && !ids[kind].has(f.code)) ids[kind].set(f.code, f.id);
    }
    return ids;
  }

  /**
   * Unknown codes on the newly accepted events are recorded for an admin to map; the events
   * themselves are never refused for them.
   */
  private async recordUnmapped(
    rows: Rows,
    ids: CodeIds,
    acceptedEvents: readonly IncomingCallEvent[],
  ): Promise<void> {
    const unmapped = new Map<string, { kind: UnmappedCodeKind; code: string; count: number }>();
    const note = (kind: UnmappedCodeKind, code: string | null, key: string | null): void => {
      if (code === null || key === null || ids[kind].has(key)) return;
      const id = `${kind}\u0000${code}`;
      const entry = unmapped.get(id) ?? { kind, code, count: 0 };
      entry.count += 1;
      unmapped.set(id, entry);
    };
    for (const e of acceptedEvents) {
      note('line', e.line, e.line === null ? null : codeKey(e.line));
      note('queue', e.queue, e.queue === null ? null : codeKey(e.queue));
      note('agent', e.agent, e.agent);
    }
    if (unmapped.size > 0) {
      const entries = [...unmapped.values()];
      await rows(
        `insert into "unmapped_codes" ("kind", "code", "first_seen_at", "last_seen_at", "seen_count")
         select u."kind", u."code", now(), now(), u."n"
         from unnest(?::text[], ?::text[], ?::int[]) as u("kind", "code", "n")
         order by u."kind", u."code"
         on conflict ("kind", "code") do update
           set "last_seen_at" = excluded."last_seen_at",
               "seen_count" = "unmapped_codes"."seen_count" + excluded."seen_count"`,
        [entries.map((e) => e.kind), entries.map((e) => e.code), entries.map((e) => e.count)],
      );
    }
  }

  /**
   * The caller is matched once, when the call first gets a number: later events must not move a
   * call a receptionist re-assigned, and history imports should not repeat the look-up per batch.
   * A client chosen by hand wins; the contact is kept only if it belongs to that client.
   *
   * This is DirectoryLookupService.lookupByPhone's rule (a contact person's number wins over a
   * client's own; among contacts the highest priority, then name, then id; among clients name,
   * then id) as one statement for the whole batch: one GIN probe per distinct number inside
   * PostgreSQL. Calling lookupByPhone per call cost ~2.7 ms each, which alone held a 1,000-call
   * import to under 2,000 events/s. Keep the two in step, or move this into the directory.
   */
  private async matchCallers(
    rows: Rows,
    known: readonly CallerMatch[],
    calls: ProjectedCall[],
  ): Promise<ProjectedCall[]> {
    const pending = calls.filter(
      (call) =>
        call.row.from_number === null &&
        call.fromNumber !== null &&
        call.fromNumber.startsWith('+'),
    );
    const byPhone = new Map(known.map((f) => [f.phone, f]));
    // A number the events' statement did not look up (one an earlier event gave): its own query.
    const phones = [...new Set(pending.map((call) => call.fromNumber as string))].filter(
      (phone) => !byPhone.has(phone),
    );
    if (phones.length > 0) {
      for (const f of await rows<CallerMatch>(CALLER_MATCH_SQL, [phones])) byPhone.set(f.phone, f);
    }
    for (const call of pending) {
      const match = byPhone.get(call.fromNumber as string);
      if (!match || match.client_id === null) continue;
      if (call.clientId === null) {
        call.clientId = match.client_id;
        call.contactId = match.contact_id;
      } else if (call.contactId === null && match.client_id === call.clientId) {
        call.contactId = match.contact_id;
      }
    }
    return calls;
  }

  /** The outbox rows of the changes ride on the same statement: no round trip of their own. */
  private async writeProjections(
    rows: Rows,
    calls: ProjectedCall[],
    changes: readonly OutboxMessage[],
  ): Promise<void> {
    const p = calls.map((c) => c.projection);
    const outbox = changes.length > 0 ? outboxInsert(changes) : null;
    await rows(
      `${outbox ? 'with "projected" as (' : ''}update "calls" as c set
         "status" = v."status", "outcome" = v."outcome",
         "arrived_at" = v."arrived_at", "queued_at" = v."queued_at",
         "first_offered_at" = v."first_offered_at", "answered_at" = v."answered_at",
         "ended_at" = v."ended_at", "last_event_at" = v."last_event_at",
         "line_code" = v."line_code", "queue_code" = v."queue_code",
         "answered_by_code" = v."answered_by_code", "last_agent_code" = v."last_agent_code",
         "from_number" = v."from_number", "to_number" = v."to_number",
         "transfers" = v."transfers", "offers" = v."offers", "event_count" = v."event_count",
         "line_id" = v."line_id", "queue_id" = v."queue_id", "answered_by_id" = v."answered_by_id",
         "client_id" = v."client_id", "contact_id" = v."contact_id",
         "updated_at" = now()
       from unnest(
         ?::uuid[], ?::text[], ?::text[],
         ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[],
         ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
         ?::int[], ?::int[], ?::int[],
         ?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[]
       ) as v(
         "id", "status", "outcome",
         "arrived_at", "queued_at", "first_offered_at", "answered_at", "ended_at", "last_event_at",
         "line_code", "queue_code", "answered_by_code", "last_agent_code", "from_number", "to_number",
         "transfers", "offers", "event_count",
         "line_id", "queue_id", "answered_by_id", "client_id", "contact_id"
       )
       where c."id" = v."id"${outbox ? `) ${outbox.sql}` : ''}`,
      [
        calls.map((c) => c.row.id),
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
        calls.map((c) => c.fromNumber),
        p.map((x) => x.toNumber),
        p.map((x) => x.transfers),
        p.map((x) => x.offers),
        p.map((x) => x.eventCount),
        calls.map((c) => c.lineId),
        calls.map((c) => c.queueId),
        calls.map((c) => c.answeredById),
        calls.map((c) => c.clientId),
        calls.map((c) => c.contactId),
        ...(outbox ? outbox.bindings : []),
      ],
    );
  }

  private async appendNotes(
    rows: Rows,
    calls: ProjectedCall[],
    notes: ReadonlyMap<string, string> | undefined,
  ): Promise<void> {
    const noted = calls.filter((c) => notes?.has(c.row.external_id));
    if (!notes || noted.length === 0) return;
    await rows(
      `update "calls" as c
         set "note" = concat_ws(chr(10), c."note", v."note")
       from unnest(?::uuid[], ?::text[]) as v("id", "note")
       where c."id" = v."id"`,
      [noted.map((c) => c.row.id), noted.map((c) => notes.get(c.row.external_id))],
    );
  }

  /**
   * E.164 when the caller id is a valid number; otherwise kept as sent (e.g. `anonymous`).
   * Remembered: parsing a number cost more than the rest of a call's projection in a history
   * import, and a front office hears from the same numbers again and again.
   */
  private normalizeCaller(raw: string | null): string | null {
    if (raw === null) return null;
    const known = this.callers.get(raw);
    if (known !== undefined) return known;
    let normalized: string;
    try {
      normalized = normalizePhone(raw, this.config.defaultPhoneRegion, 'from');
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      normalized = raw;
    }
    if (this.callers.size >= MAX_REMEMBERED_CALLERS) this.callers.clear();
    this.callers.set(raw, normalized);
    return normalized;
  }
}

function ms(at: Date | null): number | null {
  return at === null ? null : at.getTime();
}

/** The fast path met an event id stored under another call; the batch goes the general way. */
class EventIdTaken extends Error {}

/** Calls created or whose status moved, as `call.changed` rows (history ones skipped if rebuilt). */
function changesOf(
  calls: readonly ProjectedCall[],
  options: IngestOptions,
): OutboxMessage<'call.changed'>[] {
  const liveSince = Date.now() - LIVE_WINDOW_MS;
  return calls
    .filter(({ row, projection }) => row.event_count === 0 || row.status !== projection.status)
    .filter(
      ({ projection }) =>
        options.rebuildsStats !== true || projection.lastEventAt.getTime() >= liveSince,
    )
    .map((call) =>
      outboxMessage(
        'call.changed',
        changedEvent(
          summaryOf(
            {
              id: call.row.id,
              externalId: call.row.external_id,
              from: call.fromNumber,
              clientId: call.clientId,
              answeredById: call.answeredById,
              currentAgentId: call.currentAgentId,
              priority: call.row.priority,
            },
            call.projection,
          ),
          options.source,
          liveSince,
        ),
      ),
    );
}

/** Line and queue codes compare case-insensitively: a PBX and the directory may spell them apart. */
function codeKey(code: string): string;
function codeKey(code: string | null): string | null;
function codeKey(code: string | null): string | null {
  return code === null ? null : code.toLowerCase();
}

function knownCall(call: ProjectedCall): KnownCall {
  const p = call.projection;
  return {
    row: {
      id: call.row.id,
      external_id: call.row.external_id,
      status: p.status,
      event_count: p.eventCount,
      line_code: p.line,
      queue_code: p.queue,
      answered_by_code: p.answeredBy,
      answered_by_id: call.answeredById,
      from_number: call.fromNumber,
      client_id: call.clientId,
      contact_id: call.contactId,
      priority: call.row.priority,
    },
    projection: p,
    currentAgent: call.currentAgent,
  };
}

/** Who is on the call now: the agent of its latest answer (after a transfer, not the first). */
function latestAnswerer(facts: readonly CallEventFact[]): string | null {
  const answers = facts.filter((f) => f.type === 'answered').sort(compareEvents);
  return answers.at(-1)?.agent ?? null;
}

function mapped(ids: Map<string, string>, code: string | null): string | null {
  return code === null ? null : (ids.get(code) ?? null);
}

/** History imports and late replays are recorded, but nobody is rung for a call long over. */
