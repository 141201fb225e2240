import { FilterQuery } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { PlannedContact } from '@/modules/planner/entities/planned-contact.entity';

export interface ChainCallRow {
  id: string;
  arrived_at: Date;
  status: string;
  outcome: string;
  from_number: string | null;
  answered_by_id: string | null;
  called_back_at: Date | null;
}

export interface ChainRequestRow {
  id: string;
  number: number;
  subject: string;
  status: string;
  created_at: Date;
  call_id: string | null;
  current_assignee_id: string | null;
}

export interface PersonStatsRow {
  assigneeId: string;
  username: string;
  displayName: string;
  planned: number;
  doneOnTime: number;
  doneLate: number;
  postponed: number;
  failed: number;
  cancelled: number;
  overdueNow: number;
  medianDelayMinutes: number | null;
}

export interface ReasonStatsRow {
  assigneeId: string;
  username: string;
  reasonId: string | null;
  reason: string;
  postponed: number;
  failed: number;
}

export interface UnfinishedContactRow {
  callId: string;
  externalId: string;
  outcome: string;
  arrivedAt: string;
  from: string | null;
  clientId: string | null;
  clientName: string | null;
  curatorId: string | null;
  ageMinutes: number;
  callbackPlanId: string | null;
  callbackAssigneeId: string | null;
  callbackDueAt: string | null;
}

/** Unfinished calls listed in one answer at most; the oldest come first. */
const UNFINISHED_LIMIT = 1000;

/** The planner's SQL: lists, a client's chain, the report, calendar feed tokens. */
@Injectable()
export class PlannerRepository {
  constructor(private readonly em: EntityManager) {}

  findAndCount(
    where: FilterQuery<PlannedContact>,
    limit: number,
    offset: number,
  ): Promise<[PlannedContact[], number]> {
    return this.em.findAndCount(PlannedContact, where, {
      orderBy: { startsAt: 'asc', id: 'asc' },
      limit,
      offset,
    });
  }

  /**
   * The call that did a planned call, when the person did not name it: the latest call of the
   * client since the plan was made that someone talked on (or is talking on now).
   */
  async linkableCall(clientId: string, since: Date): Promise<string | null> {
    const rows = await this.em.execute<{ id: string }[]>(
      `select id from calls
        where client_id = ? and arrived_at >= ? and arrived_at <= now()
          and outcome in ('answered', 'in_progress')
        order by arrived_at desc, id desc
        limit 1`,
      [clientId, since],
    );
    return rows[0]?.id ?? null;
  }

  /** Open callback plans that follow a call. */
  openCallbacksOf(callId: string): Promise<PlannedContact[]> {
    return this.em.find(PlannedContact, {
      followsCall: callId,
      status: { $in: ['planned', 'postponed'] },
    });
  }

  async clientCalls(clientId: string): Promise<ChainCallRow[]> {
    return this.em.execute<ChainCallRow[]>(
      `select id, arrived_at, status, outcome, from_number, answered_by_id, called_back_at
         from calls where client_id = ? order by arrived_at desc limit 500`,
      [clientId],
    );
  }

  async clientRequests(clientId: string): Promise<ChainRequestRow[]> {
    return this.em.execute<ChainRequestRow[]>(
      `select id, number, subject, status, created_at, call_id, current_assignee_id
         from requests where client_id = ? order by created_at desc limit 500`,
      [clientId],
    );
  }

  clientPlans(clientId: string, assigneeId: string | null): Promise<PlannedContact[]> {
    const where: FilterQuery<PlannedContact> = { client: clientId };
    if (assigneeId !== null) where.assignee = assigneeId;
    return this.em.find(PlannedContact, where, { orderBy: { startsAt: 'desc' }, limit: 500 });
  }

  /** Per person, over the plans whose first due time falls in [from, to). */
  async statsByPerson(from: Date, to: Date, assigneeId: string | null): Promise<PersonStatsRow[]> {
    return this.em.execute<PersonStatsRow[]>(
      `select p.assignee_id as "assigneeId", u.username, u.display_name as "displayName",
              count(*)::int as planned,
              count(*) filter (where p.status = 'done' and p.closed_at <= p.first_due_at)::int
                as "doneOnTime",
              count(*) filter (where p.status = 'done' and p.closed_at > p.first_due_at)::int
                as "doneLate",
              coalesce(sum(p.postpone_count), 0)::int as postponed,
              count(*) filter (where p.status = 'failed')::int as failed,
              count(*) filter (where p.status = 'cancelled')::int as cancelled,
              count(*) filter (where p.status in ('planned', 'postponed') and p.due_at < now())::int
                as "overdueNow",
              (percentile_cont(0.5) within group (
                 order by greatest(0, extract(epoch from p.closed_at - p.first_due_at) / 60)
               ) filter (where p.status = 'done'))::float8 as "medianDelayMinutes"
         from planned_contacts p
         join users u on u.id = p.assignee_id
        where p.first_due_at >= ? and p.first_due_at < ?
          and (?::uuid is null or p.assignee_id = ?::uuid)
        group by p.assignee_id, u.username, u.display_name
        order by u.username`,
      [from, to, assigneeId, assigneeId],
    );
  }

  /** Postponements and failures per person and reason, over the same plans. */
  async statsByReason(from: Date, to: Date, assigneeId: string | null): Promise<ReasonStatsRow[]> {
    return this.em.execute<ReasonStatsRow[]>(
      `select p.assignee_id as "assigneeId", u.username, h.reason_id as "reasonId",
              coalesce(r.label, '(free text)') as reason,
              count(*) filter (where h.action = 'postponed')::int as postponed,
              count(*) filter (where h.action = 'failed')::int as failed
         from planned_contact_history h
         join planned_contacts p on p.id = h.planned_contact_id
         join users u on u.id = p.assignee_id
         left join planner_reasons r on r.id = h.reason_id
        where h.action in ('postponed', 'failed')
          and p.first_due_at >= ? and p.first_due_at < ?
          and (?::uuid is null or p.assignee_id = ?::uuid)
        group by p.assignee_id, u.username, h.reason_id, r.label
        order by u.username, reason`,
      [from, to, assigneeId, assigneeId],
    );
  }

  /** Inbound contacts nobody finished: missed or abandoned calls not called back, oldest first. */
  async unfinishedContacts(from: Date, to: Date): Promise<UnfinishedContactRow[]> {
    return this.em.execute<UnfinishedContactRow[]>(
      `select c.id as "callId", c.external_id as "externalId", c.outcome,
              to_char(c.arrived_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "arrivedAt",
              c.from_number as "from", c.client_id as "clientId", cl.name as "clientName",
              cl.curator_id as "curatorId",
              floor(extract(epoch from now() - c.arrived_at) / 60)::int as "ageMinutes",
              p.id as "callbackPlanId", p.assignee_id as "callbackAssigneeId",
              case when p.due_at is null then null
                   else to_char(p.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') end
                as "callbackDueAt"
         from calls c
         left join clients cl on cl.id = c.client_id
         left join lateral (
           select id, assignee_id, due_at from planned_contacts
            where follows_call_id = c.id and status in ('planned', 'postponed')
            order by created_at limit 1
         ) p on true
        where c.outcome in ('missed', 'abandoned') and c.called_back_at is null
          and c.arrived_at >= ? and c.arrived_at < ?
        order by c.arrived_at, c.id
        limit ?`,
      [from, to, UNFINISHED_LIMIT],
    );
  }

  /** The plans a person's calendar feed shows: a month back, a year ahead. */
  feedPlans(userId: string): Promise<PlannedContact[]> {
    const now = Date.now();
    return this.em.find(
      PlannedContact,
      {
        assignee: userId,
        startsAt: { $gte: new Date(now - 31 * 86_400_000), $lt: new Date(now + 366 * 86_400_000) },
      },
      { populate: ['client', 'contact'], orderBy: { startsAt: 'asc' }, limit: 5000 },
    );
  }

  async saveFeedToken(userId: string, tokenHash: string): Promise<void> {
    await this.em.execute(
      `insert into calendar_feed_tokens (user_id, token_hash, created_at) values (?, ?, now())
       on conflict (user_id) do update set token_hash = excluded.token_hash, created_at = now()`,
      [userId, tokenHash],
    );
  }

  async deleteFeedToken(userId: string): Promise<boolean> {
    const rows = await this.em.execute<{ user_id: string }[]>(
      `delete from calendar_feed_tokens where user_id = ? returning user_id`,
      [userId],
    );
    return rows.length > 0;
  }

  /** The active person a feed token belongs to. */
  async feedTokenOwner(tokenHash: string): Promise<string | null> {
    const rows = await this.em.execute<{ user_id: string }[]>(
      `select t.user_id from calendar_feed_tokens t join users u on u.id = t.user_id
        where t.token_hash = ? and u.active`,
      [tokenHash],
    );
    return rows[0]?.user_id ?? null;
  }

  async planReferenced(reasonId: string): Promise<boolean> {
    const rows = await this.em.execute<{ n: number }[]>(
      `select (exists (select 1 from planned_contacts where reason_id = ?)
               or exists (select 1 from planned_contact_history where reason_id = ?))::int as n`,
      [reasonId, reasonId],
    );
    return rows[0]?.n === 1;
  }
}
