import { randomUUID } from 'node:crypto';
import { LeanSql } from '@/database/lean-sql';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import { AppError } from '@/common/errors/app-error';
import { pgArray } from '@/database/pg-array';
import { PresenceRow, staffStateSql, Tx } from '@/modules/staff/staff-state.repository';
import { inOfferOrder } from '@/modules/routing/offer-claims';
import type { ClaimedOffer } from '@/modules/routing/routing-pipeline';
import { WAITING_OUTCOMES, WAITING_STATUSES } from '@/modules/routing/routing.repository';

export interface LockedCall {
  status: string;
  outcome: string;
}

export interface CancelledOffer {
  id: string;
  staff_id: string;
  /** The person's presence once freed, when the statement freed them. */
  presence?: PresenceRow | null;
}

export interface AnsweredOffer {
  item_id: string;
  staff_id: string;
  kind: 'call' | 'request';
  ring_group: string | null;
}

export interface PendingOffer {
  id: string;
  kind: 'call' | 'request';
  item_id: string;
  expires_at: Date;
}

export interface AcceptedCall {
  callId: string;
  username: string | null;
  queueCode: string | null;
  /** Everyone else rung in the same ring-all group, now freed. */
  released: string[];
  /** The new presence of the person (busy) and of the people freed, to announce. */
  presences: PresenceRow[];
}

interface FinishedRow {
  part: 'offer' | 'holder' | 'call';
  offer_id: string | null;
  user_id: string | null;
  transfers: number | null;
  wrap_up: number | null;
  presence: PresenceRow | null;
}

/** uuid[]: node-postgres returns it as an array or, for some types, as '{a,b}'. */
function pgUuids(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',');
}

/**
 * The SQL of call offers. The hot statements are single round trips that take their
 * `staff_presence` transitions from the staff feature (staffStateSql), so an offer and the
 * person's state change commit together or not at all.
 */
@Injectable()
export class OffersRepository {
  constructor(
    private readonly sql: LeanSql,
    private readonly config: AppConfig,
  ) {}

  /** Serialises everything that offers or withdraws the call: every claim takes this lock first. */
  async lockCall(tx: Tx, callId: string): Promise<LockedCall | null> {
    const rows = await tx.execute<LockedCall[]>(
      `select status, outcome from calls where id = ? for update`,
      [callId],
    );
    return rows[0] ?? null;
  }

  /**
   * Claims the first of `ordered` who can take a call (all of them for ring-all) and inserts
   * their offers, in one statement that is its own transaction: it first locks the call row, and
   * only while the call waits (checked again on the newest row version once a lock wait ends),
   * so it serialises with every other claim, withdrawal and step of the call. Its snapshot may
   * predate a claim it waited for; the partial unique indexes (one pending offer per call, one
   * pending call per person) then fail it as a whole, and the person's `offered` state with it.
   * People whose row another transaction holds are skipped; a person's row, once locked, is
   * checked again on its newest version, so nobody is claimed twice. `decision`: the routing
   * decision's insert (decisionInsert), recorded by the same statement with whom it offered.
   */
  async claimCall(
    tx: Tx,
    callId: string,
    ordered: readonly string[],
    ringAll: boolean,
    decision?: { sql: string; bindings: readonly unknown[] },
  ): Promise<ClaimedOffer[]> {
    const rows = await tx.execute<{ staff_id: string; id: string; presence: PresenceRow }[]>(
      `with waiting as (
         select c.id from calls c
          where c.id = ? and c.status = any(?::text[]) and c.outcome = any(?::text[])
            for update
       ), pick as (
         select s.user_id, t.ord
           from unnest(?::uuid[]) with ordinality as t(user_id, ord)
           join staff_presence s on s.user_id = t.user_id
          where exists (select 1 from waiting)
            and ${staffStateSql.claimable('s', 'call')}
            and not exists (select 1 from offers o where o.item_id = ? and o.status = 'pending')
            and not exists (select 1 from staff_presence h where h.current_call_id = ?)
          order by t.ord
          limit ?
            for update of s skip locked
       ), claimed as (
         update staff_presence p set ${staffStateSql.toOffered}
           from pick where p.user_id = pick.user_id
         returning p.*, pick.ord
       ), offered as (
         insert into offers (id, kind, item_id, staff_id, status, ring_group, created_at, expires_at)
         select gen_random_uuid(), 'call', ?, claimed.user_id, 'pending', ?, now(),
                now() + make_interval(secs => ?)
           from claimed order by claimed.ord
         returning staff_id, id
       )${decision ? `, decision as (${decision.sql})` : ''}
       select o.staff_id, o.id,
              (select row_to_json(x) from (select ${staffStateSql.presenceColumns('c')}) x) as presence
         from offered o join claimed c on c.user_id = o.staff_id`,
      [
        callId,
        pgArray(WAITING_STATUSES),
        pgArray(WAITING_OUTCOMES),
        pgArray(ordered),
        callId,
        callId,
        ringAll ? ordered.length : 1,
        callId,
        ringAll ? randomUUID() : null,
        this.config.routing.offerTimeoutCallSeconds,
        ...(decision ? decision.bindings : []),
      ],
    );
    return inOfferOrder(rows, ordered);
  }

  /** The offer row of a claim made by hand (the person was claimed with claimForCall). */
  async insertCallOffer(tx: Tx, offerId: string, callId: string, staffId: string): Promise<void> {
    await tx.execute(
      `insert into offers (id, kind, item_id, staff_id, status, ring_group, created_at, expires_at)
       values (?, 'call', ?, ?, 'pending', null, now(), now() + make_interval(secs => ?))`,
      [offerId, callId, staffId, this.config.routing.offerTimeoutCallSeconds],
    );
  }

  /**
   * One statement, so one atomic step: the offer is accepted, the rest of its ring group is
   * cancelled and freed, and the person is busy with the call. Null when the offer is not a
   * pending, unexpired call offer of this person.
   */
  async acceptCall(offerId: string, userId: string): Promise<AcceptedCall | null> {
    const rows = await this.sql.execute<
      {
        item_id: string;
        username: string | null;
        queue_code: string | null;
        released: string[] | string;
        presences: PresenceRow[] | null;
      }[]
    >(
      `with accepted as (
         update offers o set status = 'accepted', resolved_at = now()
          where id = ? and staff_id = ? and kind = 'call' and status = 'pending' and expires_at > now()
          returning item_id, staff_id, ring_group
       ), others as (
         update offers o set status = 'cancelled', resolved_at = now()
           from accepted a
          where o.ring_group = a.ring_group and o.id <> ? and o.status = 'pending'
          returning o.staff_id
       ), released as (
         ${staffStateSql.releaseOffered('select staff_id from others')}
       ), busy as (
         ${staffStateSql.toBusyFrom('accepted a', 'a.staff_id', 'a.item_id')}
       )
       select a.item_id,
              (select username from users u where u.id = a.staff_id) as username,
              (select q.code from calls c join queues q on q.id = c.queue_id
                where c.id = a.item_id) as queue_code,
              coalesce((select array_agg(staff_id) from others), '{}') as released,
              (select json_agg(x) from (
                 select ${staffStateSql.presenceColumns('b')} from busy b
                 union all select ${staffStateSql.presenceColumns('r')} from released r) x) as presences
         from accepted a`,
      [offerId, userId, offerId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      callId: row.item_id,
      username: row.username,
      queueCode: row.queue_code,
      released: pgUuids(row.released),
      presences: row.presences ?? [],
    };
  }

  /** Pending → declined (a call or a request offer of this person). */
  async decline(tx: Tx, offerId: string, userId: string): Promise<AnsweredOffer | null> {
    const rows = await tx.execute<AnsweredOffer[]>(
      `update offers set status = 'declined', resolved_at = now()
        where id = ? and staff_id = ? and status = 'pending'
        returning item_id, staff_id, kind, ring_group`,
      [offerId, userId],
    );
    return rows[0] ?? null;
  }

  /** Pending → expired; null when the offer was answered meanwhile. */
  async expire(tx: Tx, offerId: string): Promise<AnsweredOffer | null> {
    const rows = await tx.execute<AnsweredOffer[]>(
      `update offers set status = 'expired', resolved_at = now()
        where id = ? and status = 'pending' returning item_id, staff_id, kind, ring_group`,
      [offerId],
    );
    return rows[0] ?? null;
  }

  /** The kind of an offer made to this person; NOT_FOUND for an offer that is not theirs. */
  async kindOf(tx: Tx, offerId: string, userId: string): Promise<'call' | 'request'> {
    const rows = await tx.execute<{ staff_id: string; kind: 'call' | 'request' }[]>(
      `select staff_id, kind from offers where id = ?`,
      [offerId],
    );
    if (rows.length === 0 || rows[0].staff_id !== userId) {
      throw new AppError('NOT_FOUND', `Offer ${offerId} does not exist or is not yours`);
    }
    return rows[0].kind;
  }

  /** Pending offers of the call cancelled (but `except`'s); their people are freed by the caller. */
  async cancelForCall(
    tx: Tx,
    callId: string,
    except: string | null = null,
  ): Promise<CancelledOffer[]> {
    return tx.execute<CancelledOffer[]>(
      `update offers set status = 'cancelled', resolved_at = now()
        where item_id = ? and status = 'pending' and staff_id is distinct from ? returning id, staff_id`,
      [callId, except],
    );
  }

  /** One statement: the offers are cancelled and their people freed together, or not at all. */
  async withdrawForCall(callId: string, except: string | null = null): Promise<CancelledOffer[]> {
    return this.sql.execute<CancelledOffer[]>(
      `with cancelled as (
         update offers set status = 'cancelled', resolved_at = now()
          where item_id = ? and status = 'pending' and staff_id is distinct from ?
         returning id, staff_id
       ), freed as (
         ${staffStateSql.releaseOffered('select staff_id from cancelled')}
       )
       select c.id, c.staff_id,
              (select row_to_json(x) from (select ${staffStateSql.presenceColumns('f')}) x) as presence
         from cancelled c left join freed f on f.user_id = c.staff_id`,
      [callId, except],
    );
  }

  /**
   * One statement for every hang-up: pending offers withdrawn and their people freed, whoever
   * was on the call released to wrap-up or idle.
   */
  async finishCall(callId: string): Promise<{
    withdrawn: CancelledOffer[];
    holders: string[];
    /** The released holders' new presence, by user id. */
    presences: Map<string, PresenceRow>;
    transfers: number;
    wrapUpSeconds: number;
  }> {
    const rows = await this.sql.execute<FinishedRow[]>(
      `with cancelled as (
         update offers set status = 'cancelled', resolved_at = now()
          where item_id = ? and status = 'pending'
         returning id, staff_id
       ), freed as (
         ${staffStateSql.releaseOffered('select staff_id from cancelled')}
       ), finished as (
         select c.transfers, coalesce(q.wrap_up_seconds, 0) as wrap_up
           from calls c left join queues q on q.id = c.queue_id where c.id = ?
       ), holders as (
         ${staffStateSql.releaseHolders('?', 'f.wrap_up', 'finished f')}
       )
       select 'offer' as part, c.id as offer_id, c.staff_id as user_id, null::int as transfers,
              null::int as wrap_up,
              (select row_to_json(x) from (select ${staffStateSql.presenceColumns('f')}) x) as presence
         from cancelled c left join freed f on f.user_id = c.staff_id
       union all
       select 'holder', null, h.user_id, null, null,
              (select row_to_json(x) from (select ${staffStateSql.presenceColumns('h')}) x)
         from holders h
       union all select 'call', null, null, transfers, wrap_up, null from finished`,
      [callId, callId, callId],
    );
    const call = rows.find((r) => r.part === 'call');
    return {
      withdrawn: rows
        .filter((r) => r.part === 'offer')
        .map((r) => ({
          id: r.offer_id as string,
          staff_id: r.user_id as string,
          presence: r.presence,
        })),
      holders: rows.filter((r) => r.part === 'holder').map((r) => r.user_id as string),
      presences: new Map(
        rows.flatMap((r) =>
          r.part === 'holder' && r.presence ? [[r.presence.user_id, r.presence]] : [],
        ),
      ),
      transfers: call?.transfers ?? 0,
      wrapUpSeconds: call?.wrap_up ?? 0,
    };
  }

  /** The person's offers still ringing, oldest first: what a reconnecting console shows again. */
  async pendingFor(userId: string): Promise<PendingOffer[]> {
    return this.reader().execute<PendingOffer[]>(
      `select id, kind, item_id, expires_at from offers
        where staff_id = ? and status = 'pending' and expires_at > now()
        order by created_at, id`,
      [userId],
    );
  }

  /** For reads outside a transaction. */
  reader(): Tx {
    return this.sql;
  }

  async username(tx: Tx, userId: string): Promise<string | null> {
    const rows = await tx.execute<{ username: string }[]>(
      `select username from users where id = ?`,
      [userId],
    );
    return rows[0]?.username ?? null;
  }
}
