import { LeanSql } from '@/database/lean-sql';
import { Injectable } from '@nestjs/common';
import { pgArray } from '@/database/pg-array';
import { staffStateSql } from '@/modules/staff/staff-state.repository';
import { WAITING_OUTCOMES, WAITING_STATUSES } from '@/modules/routing/routing.repository';

/** FROM … ORDER BY of the waiting calls of a person's queues (user id, outcomes, statuses). */
const WAITING_CALLS_SQL = `from calls c
         join queue_members m on m.queue_id = c.queue_id and m.user_id = ?
        where c.outcome = any(?::text[]) and c.status = any(?::text[])
          and not exists (select 1 from offers o where o.item_id = c.id and o.status = 'pending')
          and not exists (select 1 from staff_presence h where h.current_call_id = c.id)
        order by c.priority desc, coalesce(c.queued_at, c.arrived_at) asc, c.id asc`;

/** FROM … ORDER BY of the requests a person has room for (user id, max open requests). */
const WAITING_REQUESTS_SQL = `from requests r
         join queue_members m on m.queue_id = r.queue_id and m.user_id = ?
         join staff_presence p on p.user_id = m.user_id and ${staffStateSql.claimable('p', 'request')}
        where r.status = 'open' and r.current_assignee_id is null
          and not exists (select 1 from offers o where o.item_id = r.id and o.status = 'pending')
          and not exists (select 1 from offers x where x.item_id = r.id and x.staff_id = p.user_id
                                                   and x.status in ('declined', 'expired'))
          and not exists (select 1 from offers y where y.staff_id = p.user_id
                                                   and y.kind = 'request' and y.status = 'pending')
          and (select count(*) from requests h
                where h.current_assignee_id = p.user_id and h.status = 'open') < ?
        order by r.priority desc, r.created_at asc, r.id asc`;

/**
 * What waits for whom: the work a person who just became free can be offered, and the work a
 * lost reaction left unrouted (the recovery sweep). Reads only; claims happen elsewhere.
 */
@Injectable()
export class WaitingWorkRepository {
  constructor(private readonly sql: LeanSql) {}

  /** Waiting calls in the person's queues, highest priority first, then the longest waiting. */
  async waitingCallsFor(userId: string, limit = 20): Promise<string[]> {
    return (await this.waitingWorkFor(userId, 0, limit, false)).calls;
  }

  /**
   * Unheld open requests in the person's queues that nobody is being offered and they have not
   * turned down, in serving order; none when the person has no room for a request right now
   * (not available and idle, an offer of a request pending, or `maxOpen` requests held).
   */
  async waitingRequestsFor(userId: string, maxOpen: number, limit = 20): Promise<string[]> {
    const rows = await this.sql.execute<{ id: string }[]>(
      `select r.id ${WAITING_REQUESTS_SQL} limit ?`,
      [userId, maxOpen, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Both of the above in one round trip, for someone who just became free: calls come first,
   * and the requests are read beside them (routing each one checks it again under its lock).
   */
  async waitingWorkFor(
    userId: string,
    maxOpen: number,
    limit = 20,
    withRequests = true,
  ): Promise<{ calls: string[]; requests: string[] }> {
    const rows = await this.sql.execute<{ calls: string[]; requests: string[] | null }[]>(
      `select array(select c.id ${WAITING_CALLS_SQL} limit ?)::text[] as "calls",
              case when ? then array(select r.id ${WAITING_REQUESTS_SQL} limit ?)::text[] end as "requests"`,
      [
        userId,
        pgArray(WAITING_OUTCOMES),
        pgArray(WAITING_STATUSES),
        limit,
        withRequests,
        userId,
        maxOpen,
        limit,
      ],
    );
    return { calls: rows[0]?.calls ?? [], requests: rows[0]?.requests ?? [] };
  }

  /**
   * Live waiting calls that nothing is routing: no pending offer, nobody on them, and no routing
   * decision since the last event that asks for one (arrival, a telephony queue step, a
   * transfer). That is a reaction lost with a process killed between the commit of the event and
   * routing it. `graceSeconds` leaves the live reaction time to happen first.
   */
  async strandedCalls(graceSeconds: number, limit: number): Promise<string[]> {
    const rows = await this.sql.execute<{ id: string }[]>(
      `select c.id
         from calls c
        where c.status = any(?::text[]) and c.outcome = any(?::text[]) and c.queue_id is not null
          and c.last_event_at > now() - interval '6 hours'
          and c.updated_at < now() - make_interval(secs => ?)
          and not exists (select 1 from offers o where o.item_id = c.id and o.status = 'pending')
          and not exists (select 1 from staff_presence h where h.current_call_id = c.id)
          -- The built-in Asterisk connector (observe mode) and the history import write ids
          -- 'pbx:…': Asterisk's own queue rings someone for those calls, we must not as well.
          and not exists (select 1 from call_events p where p.call_id = c.id and p.id like 'pbx:%')
          and not exists (
            select 1 from routing_decisions d
             where d.item_id = c.id
               and d.at >= (select max(e.received_at) from call_events e
                             where e.call_id = c.id
                               and (e.type in ('arrived', 'transferred')
                                    or (e.type = 'queued' and e.source <> 'system'))))
        order by c.priority desc, coalesce(c.queued_at, c.arrived_at) asc
        limit ?`,
      [pgArray(WAITING_STATUSES), pgArray(WAITING_OUTCOMES), graceSeconds, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Open unheld requests in a queue that were never routed: the same lost reaction. */
  async strandedRequests(graceSeconds: number, limit: number): Promise<string[]> {
    const rows = await this.sql.execute<{ id: string }[]>(
      `select r.id
         from requests r
        where r.status = 'open' and r.current_assignee_id is null and r.queue_id is not null
          and r.updated_at < now() - make_interval(secs => ?)
          and not exists (select 1 from offers o where o.item_id = r.id and o.status = 'pending')
          and not exists (select 1 from routing_decisions d where d.item_id = r.id)
        order by r.priority desc, r.created_at asc
        limit ?`,
      [graceSeconds, limit],
    );
    return rows.map((r) => r.id);
  }
}
