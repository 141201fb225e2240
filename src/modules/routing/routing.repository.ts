import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { LeanSql } from '@/database/lean-sql';
import { Injectable } from '@nestjs/common';
import type { QueueStrategy } from '@/modules/directory/entities/queue.entity';
import { RoutingDecisionRecord } from '@/modules/routing/entities/routing-decision.entity';
import { DecisionLog } from '@/modules/routing/routing-pipeline';
import type { Candidate, RoutingDecision, WorkItem } from '@/modules/routing/routing.types';

export interface RoutableCall {
  id: string;
  externalId: string;
  status: string;
  outcome: string;
  queueId: string | null;
  queueCode: string | null;
  strategy: QueueStrategy | null;
  maxWaitSeconds: number;
  wrapUpSeconds: number;
  priority: number;
  arrivedAt: Date;
  queuedAt: Date | null;
  curatorId: string | null;
  clientId: string | null;
  contactId: string | null;
  fromNumber: string | null;
  /** Each transfer starts a new leg of the call, with its own wait limit. */
  transfers: number;
  /** When the current leg started: the latest transfer, null before any. */
  transferredAt: Date | null;
  /** An offer of the call is waiting for an answer right now. */
  pendingOffer: boolean;
}

interface CallRow {
  id: string;
  external_id: string;
  status: string;
  outcome: string;
  queue_id: string | null;
  queue_code: string | null;
  strategy: QueueStrategy | null;
  max_wait_seconds: number | null;
  wrap_up_seconds: number | null;
  priority: number;
  arrived_at: Date;
  queued_at: Date | null;
  curator_id: string | null;
  client_id: string | null;
  contact_id: string | null;
  from_number: string | null;
  transfers: number;
  transferred_at: Date | null;
  pending_offer: boolean;
}

/** An open request as routing weighs it; `held` when someone is on its current stage. */
export interface RoutableRequest {
  id: string;
  number: number;
  subject: string;
  channel: string;
  status: string;
  held: boolean;
  queueId: string | null;
  queueCode: string | null;
  strategy: QueueStrategy | null;
  priority: number;
  createdAt: Date;
  curatorId: string | null;
  clientId: string | null;
  fromNumber: string | null;
  pendingOffer: boolean;
}

interface RequestRow {
  id: string;
  number: number;
  subject: string;
  channel: string;
  status: string;
  held: boolean;
  queue_id: string | null;
  queue_code: string | null;
  strategy: QueueStrategy | null;
  priority: number;
  created_at: Date;
  curator_id: string | null;
  client_id: string | null;
  from_number: string | null;
  pending_offer: boolean;
}

/** A decision as recorded: `strategy` is also `manual` for a person named by hand. */
export type DecisionToRecord = Omit<RoutingDecision, 'strategy' | 'ringAll'> & {
  strategy: string;
};

interface CandidateRow {
  staff_id: string;
  username: string;
  status: Candidate['status'] | null;
  state: Candidate['state'] | null;
  skill_level: number;
  idle_since: Date | string | null;
  open_calls: number;
  /** bigint: node-postgres returns it as a string (JSON: a number). */
  open_requests: string | number | null;
  calls_today: number | null;
  last_offered_at: Date | string | null;
  cooldown_until: Date | string | null;
  excluded: boolean;
}

type WorkItemKind = WorkItem['kind'];
/** Where an item's queue is found; a fixed map, so the table name is never caller input. */
const ITEM_TABLES: Record<WorkItemKind, string> = { call: 'calls', request: 'requests' };

export const WAITING_STATUSES = ['arrived', 'queued', 'transferred', 'offered'];
/** Answered and waiting can only be a call transferred after its first answer: a new leg. */
export const WAITING_OUTCOMES = ['in_progress', 'answered'];
/** The caller hung up, never got a channel, or the router gave up and a callback is due. */
const CLOSED_STATUSES = ['ended', 'abandoned', 'blocked', 'missed'];

/**
 * Waiting for someone to take it: never answered yet, or answered and then transferred (the
 * projection moves an answered call back to a waiting status only through a transfer).
 */
export function isWaiting(call: { status: string; outcome: string }): boolean {
  return WAITING_STATUSES.includes(call.status) && WAITING_OUTCOMES.includes(call.outcome);
}

export function isClosed(call: { status: string }): boolean {
  return CLOSED_STATUSES.includes(call.status);
}

/** The columns of a RoutableCall (`c`: calls), for CALL_FROM. */
const CALL_SQL = `select c.id, c.external_id, c.status, c.outcome, c.queue_id, q.code as queue_code, q.strategy,
              q.max_wait_seconds, q.wrap_up_seconds, c.priority, c.arrived_at, c.queued_at,
              cl.curator_id, c.client_id, c.contact_id, c.from_number, c.transfers,
              case when c.transfers > 0 then
                (select max(e.at) from call_events e where e.call_id = c.id and e.type = 'transferred')
              end as transferred_at,
              exists (select 1 from offers o where o.item_id = c.id and o.status = 'pending') as pending_offer`;
const CALL_FROM = `from calls c
         left join queues q on q.id = c.queue_id
         left join clients cl on cl.id = c.client_id`;

/**
 * The members of a queue as routing weighs them (rows of CandidateRow), for the caller's
 * `where` on `m.queue_id`; `kind` and `itemId` are SQL (a placeholder or a column). Open
 * requests count with a pending offer of one: accepting it would add it. A call needs them only
 * to rank by least-busy; counting them for 200 members on every call is not free.
 */
function candidatesSql(kind: string, itemId: string): string {
  return `select u.id as staff_id, u.username, p.status, p.state, m.skill_level, p.idle_since,
              case when p.current_call_id is null then 0 else 1 end as open_calls,
              case when ${kind} = 'request' or q.strategy = 'least-busy' then
                (select count(*) from requests r where r.current_assignee_id = u.id and r.status = 'open')
                + (select count(*) from offers o where o.staff_id = u.id and o.kind = 'request' and o.status = 'pending')
              else 0 end as open_requests,
              p.last_offered_at, p.cooldown_until,
              case when p.calls_today_date = (now() at time zone 'utc')::date then p.calls_today else 0 end as calls_today,
              x.staff_id is not null as excluded
         from queue_members m
         join users u on u.id = m.user_id and u.active
         left join staff_presence p on p.user_id = u.id
         left join (select distinct o.staff_id from offers o
                     where o.item_id = ${itemId} and o.status in ('declined', 'expired', 'accepted')) x
           on x.staff_id = u.id
         join queues q on q.id = m.queue_id`;
}

/** Dates come as Date from a row and as text from JSON: both go through new Date. */
function dateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}

function callOf(row: CallRow): RoutableCall {
  return {
    id: row.id,
    externalId: row.external_id,
    status: row.status,
    outcome: row.outcome,
    queueId: row.queue_id,
    queueCode: row.queue_code,
    strategy: row.strategy,
    maxWaitSeconds: row.max_wait_seconds ?? 300,
    wrapUpSeconds: row.wrap_up_seconds ?? 0,
    priority: row.priority,
    arrivedAt: new Date(row.arrived_at),
    queuedAt: dateOrNull(row.queued_at),
    curatorId: row.curator_id,
    clientId: row.client_id,
    contactId: row.contact_id,
    fromNumber: row.from_number,
    transfers: row.transfers,
    transferredAt: dateOrNull(row.transferred_at),
    pendingOffer: row.pending_offer,
  };
}

function candidatesOf(rows: readonly CandidateRow[]): {
  candidates: Candidate[];
  excluded: Set<string>;
} {
  const candidates = rows.map((r) => ({
    staffId: r.staff_id,
    username: r.username,
    status: r.status ?? 'offline',
    state: r.state ?? 'idle',
    skillLevel: r.skill_level,
    idleSince: dateOrNull(r.idle_since),
    openCalls: Number(r.open_calls),
    openRequests: Number(r.open_requests ?? 0),
    callsHandledToday: r.calls_today ?? 0,
    lastOfferedAt: dateOrNull(r.last_offered_at),
    cooldownUntil: dateOrNull(r.cooldown_until),
  }));
  return { candidates, excluded: new Set(rows.filter((r) => r.excluded).map((r) => r.staff_id)) };
}

/**
 * The decision's INSERT, for a statement of its own or as a data-modifying CTE of the claim's
 * statement (one round trip fewer per offer). `offeredToSql` is a jsonb expression: a
 * placeholder (bound after `bindings`) or the claim's own rows.
 */
export function decisionInsert(
  kind: WorkItemKind,
  itemId: string,
  decision: DecisionToRecord,
  trigger: string,
  offeredToSql: string,
): { sql: string; bindings: unknown[] } {
  const waiting =
    decision.ordered.length > 0
      ? `${decision.reason}; nobody could be claimed, waiting`
      : decision.reason;
  return {
    sql: `insert into routing_decisions (id, item_id, kind, at, strategy, trigger, candidates, ordered, offered_to, reason)
          select ?, ?, ?, now(), ?, ?, ?::jsonb, ?::jsonb, o.offered_to,
                 case when jsonb_array_length(o.offered_to) = 0 then ? else ? end
            from (select ${offeredToSql} as offered_to) o`,
    bindings: [
      randomUUID(),
      itemId,
      kind,
      decision.strategy,
      trigger,
      JSON.stringify({ rejected: decision.rejected }),
      JSON.stringify(decision.ordered),
      waiting,
      decision.reason,
    ],
  };
}

/** The reads routing needs, each one indexed query, and the decision log. */
@Injectable()
export class RoutingRepository extends DecisionLog {
  constructor(
    private readonly em: EntityManager,
    private readonly sql: LeanSql,
  ) {
    super();
  }

  async decisionsFor(itemId: string): Promise<RoutingDecisionRecord[]> {
    return this.em
      .fork()
      .find(RoutingDecisionRecord, { itemId }, { orderBy: { at: 'asc', id: 'asc' } });
  }

  async loadCall(callId: string): Promise<RoutableCall | null> {
    const rows = await this.sql.execute<CallRow[]>(`${CALL_SQL} ${CALL_FROM} where c.id = ?`, [
      callId,
    ]);
    return rows[0] ? callOf(rows[0]) : null;
  }

  /**
   * loadCall and candidatesFor(call) in one round trip: the members come as one JSON column
   * beside the call's row. This runs for every routing decision of a call.
   */
  async loadCallWithCandidates(
    callId: string,
  ): Promise<{ call: RoutableCall; candidates: Candidate[]; excluded: Set<string> } | null> {
    const rows = await this.sql.execute<(CallRow & { members: CandidateRow[] | null })[]>(
      `${CALL_SQL},
              (select json_agg(x) from (
                 ${candidatesSql("'call'", 'c.id')} where m.queue_id = c.queue_id
              ) x) as members
         ${CALL_FROM}
        where c.id = ?`,
      [callId],
    );
    const row = rows[0];
    if (!row) return null;
    return { call: callOf(row), ...candidatesOf(row.members ?? []) };
  }

  async loadRequest(requestId: string): Promise<RoutableRequest | null> {
    const rows = await this.sql.execute<RequestRow[]>(
      `select r.id, r.number, r.subject, r.channel, r.status, r.current_assignee_id is not null as held,
              r.queue_id, q.code as queue_code, q.strategy, r.priority, r.created_at,
              cl.curator_id, r.client_id, c.from_number,
              exists (select 1 from offers o where o.item_id = r.id and o.status = 'pending') as pending_offer
         from requests r
         left join queues q on q.id = r.queue_id
         left join clients cl on cl.id = r.client_id
         left join calls c on c.id = r.call_id
        where r.id = ?`,
      [requestId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      number: row.number,
      subject: row.subject,
      channel: row.channel,
      status: row.status,
      held: row.held,
      queueId: row.queue_id,
      queueCode: row.queue_code,
      strategy: row.strategy,
      priority: row.priority,
      createdAt: new Date(row.created_at),
      curatorId: row.curator_id,
      clientId: row.client_id,
      fromNumber: row.from_number,
      pendingOffer: row.pending_offer,
    };
  }

  /**
   * The members of the call's queue as routing weighs them, and who must not be offered it
   * again: whoever declined it or let it time out, and whoever took it before it was transferred
   * away. One query by call id, so it runs beside loadCall on the path of every offer.
   */
  async candidatesFor(
    itemId: string,
    kind: WorkItemKind = 'call',
  ): Promise<{ candidates: Candidate[]; excluded: Set<string> }> {
    const rows = await this.sql.execute<CandidateRow[]>(
      `${candidatesSql('?', '?')}
        where m.queue_id = (select i.queue_id from ${ITEM_TABLES[kind]} i where i.id = ?)`,
      [kind, itemId, itemId],
    );
    return candidatesOf(rows);
  }

  /** Took the call at some point: answered it, or accepted an offer of it. */
  async hasHandled(userId: string, callId: string): Promise<boolean> {
    const rows = await this.sql.execute<{ id: string }[]>(
      `select c.id from calls c
        where c.id = ? and (c.answered_by_id = ? or exists (
          select 1 from offers o where o.item_id = c.id and o.staff_id = ? and o.status = 'accepted'))`,
      [callId, userId, userId],
    );
    return rows.length > 0;
  }

  async findUser(
    userId: string,
  ): Promise<{ id: string; username: string; active: boolean } | null> {
    const rows = await this.sql.execute<{ id: string; username: string; active: boolean }[]>(
      `select id, username, active from users where id = ?`,
      [userId],
    );
    return rows[0] ?? null;
  }

  async queueExists(code: string): Promise<boolean> {
    const rows = await this.sql.execute<{ id: string }[]>(
      `select id from queues where lower(code) = lower(?)`,
      [code],
    );
    return rows.length > 0;
  }

  /** One statement rather than a unit of work: this runs for every routing decision. */
  async recordDecision(
    kind: WorkItemKind,
    itemId: string,
    decision: DecisionToRecord,
    trigger: string,
    offeredTo: readonly string[],
  ): Promise<void> {
    const { sql, bindings } = decisionInsert(kind, itemId, decision, trigger, '?::jsonb');
    await this.sql.execute(sql, [...bindings, JSON.stringify(offeredTo)]);
  }
}
