import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@/config/app-config';
import { AppError } from '@/common/errors/app-error';
import { JobProducer } from '@/queue/job-producer.service';
import { rooms } from '@/realtime/realtime.events';
import { RealtimePublisher } from '@/realtime/realtime.publisher';
import { REDIS } from '@/redis/redis.module';
import { pgArray } from '@/database/pg-array';
import { PresenceService } from '@/modules/staff/presence.service';
import { RoutingDecisionRecord } from '@/modules/routing/entities/routing-decision.entity';
import type { StepAgent } from '@/modules/calls/call-steps.service';
import { CallLedger } from '@/modules/routing/routing.ports';
import {
  DecisionToRecord,
  isClosed,
  isWaiting,
  RoutableCall,
  RoutingRepository,
} from '@/modules/routing/routing.repository';
import { RequestRoutingService } from '@/modules/routing/request-routing.service';
import { decideRouting } from '@/modules/routing/strategies';
import { inOfferOrder, isUniqueViolation } from '@/modules/routing/offer-claims';

/** A call offered to a person chosen by hand. */
export interface ManualOffer {
  offerId: string;
  staffId: string;
  expiresAt: string;
}

/** Where a transfer sends the call: to one person, or back into a queue to be routed. */
export type TransferTarget = { staffId: string } | { queueCode: string };

/** Who acts by hand; `mustHold` names an agent who may only act on the call they are on. */
export interface ManualActor {
  username: string;
  mustHold: string | null;
}

interface LockedCall {
  status: string;
  outcome: string;
}

interface CancelledOffer {
  id: string;
  staff_id: string;
}

interface FinishedRow {
  part: 'offer' | 'holder' | 'call';
  offer_id: string | null;
  user_id: string | null;
  transfers: number | null;
  wrap_up: number | null;
}

interface OfferRow {
  item_id: string;
  staff_id: string;
  kind: 'call' | 'request';
  ring_group: string | null;
}

interface AcceptedRow extends OfferRow {
  username: string | null;
  queue_code: string | null;
  /** uuid[]: node-postgres returns it as an array or, for some types, as '{a,b}'. */
  released: string[] | string;
}

function pgUuids(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',');
}

/**
 * Offers waiting work to the right person. The decision is pure (strategies/); what makes it safe
 * with several API processes and workers is in PostgreSQL: the call row is locked while its offer
 * is made, a person is claimed with a conditional update (available, idle, no call), and partial
 * unique indexes forbid a second pending offer of an item or a second pending call for a person.
 */
@Injectable()
export class RoutingService {
  private readonly logger = new Logger('Routing');

  constructor(
    private readonly em: EntityManager,
    private readonly repo: RoutingRepository,
    private readonly presence: PresenceService,
    private readonly jobs: JobProducer,
    private readonly publisher: RealtimePublisher,
    private readonly config: AppConfig,
    private readonly calls: CallLedger,
    private readonly requests: RequestRoutingService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /**
   * Offers a waiting call to the next eligible person of its queue, if there is one. A call that
   * arrived with a queue and cannot be offered to anyone is recorded as `queued`: waiting in our
   * queue, which is what the console shows until someone becomes free.
   */
  async routeCall(callId: string, trigger: string): Promise<string[]> {
    const [call, { candidates, excluded }] = await Promise.all([
      this.repo.loadCall(callId),
      this.repo.candidatesFor(callId),
    ]);
    if (!call || !call.queueId || !call.strategy || !isWaiting(call) || call.pendingOffer) {
      return [];
    }
    const queueId = call.queueId;
    const roundRobin = call.strategy === 'round-robin';
    const roundRobinCursor = roundRobin ? await this.redis.get(this.cursorKey(queueId)) : null;
    const decision = decideRouting({
      strategy: call.strategy,
      candidates,
      item: {
        kind: 'call',
        id: call.id,
        priority: call.priority,
        waitingSince: call.queuedAt ?? call.arrivedAt,
        curatorId: call.curatorId,
        requiredSkill: 1,
      },
      capacity: { maxCalls: 1, maxRequests: this.config.routing.maxOpenRequests },
      now: new Date(),
      excluded,
      roundRobinCursor,
    });

    // The max-wait job is idempotent (one job id per leg), so it need not delay the claim.
    const [claimed] = await Promise.all([
      decision.ordered.length === 0 ? [] : this.claim(call, decision.ordered, decision.ringAll),
      this.scheduleMaxWait(call),
    ]);
    const offeredTo = claimed.map((c) => c.staffId);
    const usernames = new Map(candidates.map((c) => [c.staffId, c.username]));
    await Promise.all([
      ...claimed.map((c) => this.afterOffer(call, c.staffId, c.offerId, usernames.get(c.staffId))),
      this.record(call, decision, trigger, offeredTo),
      offeredTo.length > 0 && roundRobin
        ? this.redis.set(this.cursorKey(queueId), offeredTo[0], 'EX', 86400)
        : null,
      offeredTo.length === 0 && call.status === 'arrived' && call.queueCode !== null
        ? this.calls.recordRouterEvent(call.id, {
            id: `queued:${call.id}`,
            type: 'queued',
            at: new Date(Math.max(Date.now(), call.arrivedAt.getTime())),
            agent: null,
            queue: call.queueCode,
          })
        : null,
    ]);
    return offeredTo;
  }

  async accept(offerId: string, userId: string): Promise<{ offerId: string; itemId: string }> {
    // One statement, so one atomic step: the offer is accepted, the rest of its ring group is
    // cancelled and freed, and the person is busy with the call.
    const rows = await this.em.getConnection().execute<AcceptedRow[]>(
      `with accepted as (
         update offers o set status = 'accepted', resolved_at = now()
          where id = ? and staff_id = ? and kind = 'call' and status = 'pending' and expires_at > now()
          returning item_id, staff_id, kind, ring_group
       ), others as (
         update offers o set status = 'cancelled', resolved_at = now()
           from accepted a
          where o.ring_group = a.ring_group and o.id <> ? and o.status = 'pending'
          returning o.staff_id
       ), released as (
         update staff_presence p set state = 'idle', state_since = now(), updated_at = now()
          where p.user_id in (select staff_id from others) and p.state = 'offered'
       ), busy as (
         update staff_presence p set state = 'busy', state_since = now(), current_call_id = a.item_id,
                consecutive_no_answers = 0, updated_at = now(),
                calls_today = case when p.calls_today_date = (now() at time zone 'utc')::date then p.calls_today + 1 else 1 end,
                calls_today_date = (now() at time zone 'utc')::date
           from accepted a
          where p.user_id = a.staff_id
       )
       select a.item_id, a.staff_id, a.kind, a.ring_group,
              (select username from users u where u.id = a.staff_id) as username,
              (select q.code from calls c join queues q on q.id = c.queue_id
                where c.id = a.item_id) as queue_code,
              coalesce((select array_agg(staff_id) from others), '{}') as released
         from accepted a`,
      [offerId, userId, offerId],
    );
    if (rows.length === 0) {
      const kind = await this.offerKindOf(this.em.fork(), offerId, userId);
      if (kind === 'request') return this.requests.accept(offerId, userId);
      throw offerExpired();
    }
    const row = rows[0];
    const released = pgUuids(row.released);
    await this.calls.recordRouterEvent(row.item_id, {
      id: `offer-accepted:${offerId}`,
      type: 'answered',
      at: new Date(),
      agent: row.username === null ? null : { id: userId, username: row.username },
      queue: row.queue_code,
    });
    for (const staffId of released)
      this.publisher.toRooms(rooms.user(staffId), 'offer.revoked', {
        offerId: null,
        itemId: row.item_id,
        reason: 'taken',
      });
    await Promise.all([userId, ...released].map((id) => this.presence.announce(id)));
    await Promise.all(released.map((id) => this.drainWaitingFor(id)));
    return { offerId, itemId: row.item_id };
  }

  async decline(offerId: string, userId: string): Promise<{ offerId: string; itemId: string }> {
    const cooldown = this.config.routing.declineCooldownSeconds;
    const row = await this.em.fork().transactional(async (tx) => {
      const declined = await tx.execute<OfferRow[]>(
        `update offers set status = 'declined', resolved_at = now()
          where id = ? and staff_id = ? and status = 'pending'
          returning item_id, staff_id, kind, ring_group`,
        [offerId, userId],
      );
      if (declined.length === 0) {
        await this.offerKindOf(tx, offerId, userId);
        throw offerExpired();
      }
      // Only a call offer made the person `offered`; a request offer left their state alone.
      if (declined[0].kind === 'call') {
        await tx.execute(
          `update staff_presence set state = 'idle', state_since = now(), updated_at = now(),
                  cooldown_until = now() + make_interval(secs => ?)
            where user_id = ? and state = 'offered'`,
          [cooldown, userId],
        );
      }
      return declined[0];
    });
    if (row.kind === 'request') {
      await this.requests.routeRequest(row.item_id, 'declined');
      return { offerId, itemId: row.item_id };
    }
    await this.presence.announce(userId);
    await this.routeCall(row.item_id, 'declined');
    return { offerId, itemId: row.item_id };
  }

  /** Durable timeout: runs in the worker; a no-op when the offer was answered meanwhile. */
  async expireOffer(offerId: string): Promise<void> {
    const breakAfter = this.config.routing.noAnswerBreakAfter;
    const row = await this.em.fork().transactional(async (tx) => {
      const expired = await tx.execute<OfferRow[]>(
        `update offers set status = 'expired', resolved_at = now()
          where id = ? and status = 'pending' returning item_id, staff_id, kind, ring_group`,
        [offerId],
      );
      if (expired.length === 0) return null;
      if (expired[0].kind === 'request') return expired[0];
      // Consecutive no-answers put a person on break: they are probably away from the desk.
      await tx.execute(
        `update staff_presence
            set state = 'idle', state_since = now(), updated_at = now(),
                consecutive_no_answers = consecutive_no_answers + 1,
                status = case when consecutive_no_answers + 1 >= ? then 'break'::staff_status else status end,
                break_reason = case when consecutive_no_answers + 1 >= ? then 'no-answer' else break_reason end
          where user_id = ? and state = 'offered'`,
        [breakAfter, breakAfter, expired[0].staff_id],
      );
      return expired[0];
    });
    if (!row) return;
    this.publisher.toRooms(rooms.user(row.staff_id), 'offer.revoked', {
      offerId,
      itemId: row.item_id,
      reason: 'expired',
    });
    if (row.kind === 'request') {
      await this.requests.routeRequest(row.item_id, 'timeout');
      return;
    }
    await this.presence.announce(row.staff_id);
    await this.routeCall(row.item_id, 'timeout');
  }

  /**
   * Past the queue's limit the call is missed: offers are withdrawn and a callback is due. `leg`
   * is the number of transfers when the wait began; after another transfer the limit is the new
   * leg's, so this one no longer applies.
   */
  async maxWaitReached(callId: string, leg = 0): Promise<void> {
    const call = await this.repo.loadCall(callId);
    if (!call || !isWaiting(call) || call.transfers !== leg) return;
    const released = await this.withdrawOffers(callId, 'missed');
    await this.calls.recordRouterEvent(callId, {
      id: leg === 0 ? `missed:${callId}` : `missed:${callId}:${leg}`,
      type: 'missed',
      at: new Date(),
      agent: null,
      queue: call.queueCode,
    });
    this.publisher.toRooms(rooms.role('supervisor'), 'routing.alert', {
      kind: 'call.missed',
      callId: call.externalId,
      queue: call.queueCode,
      waitedSeconds: Math.round((Date.now() - waitingSince(call).getTime()) / 1000),
      message: `Call from ${call.fromNumber ?? 'unknown number'} waited past ${call.maxWaitSeconds} s in ${call.queueCode ?? 'no queue'}; call back`,
    });
    await Promise.all(released.map((id) => this.drainWaitingFor(id)));
  }

  /** A call ended (or was abandoned): the person who had it goes to wrap-up or straight to idle. */
  async callFinished(callId: string): Promise<void> {
    // One statement for every hang-up: pending offers withdrawn and their people freed, whoever
    // was on the call released to wrap-up or idle (idle since now: the longest-idle clock).
    const rows = await this.em.getConnection().execute<FinishedRow[]>(
      `with cancelled as (
         update offers set status = 'cancelled', resolved_at = now()
          where item_id = ? and status = 'pending'
         returning id, staff_id
       ), freed as (
         update staff_presence set state = 'idle', state_since = now(), updated_at = now()
          where user_id in (select staff_id from cancelled) and state = 'offered'
       ), finished as (
         select c.transfers, coalesce(q.wrap_up_seconds, 0) as wrap_up
           from calls c left join queues q on q.id = c.queue_id where c.id = ?
       ), holders as (
         update staff_presence p
            set state = case when f.wrap_up > 0 then 'wrap_up'::staff_state else 'idle'::staff_state end,
                idle_since = case when f.wrap_up > 0 then p.idle_since else now() end,
                current_call_id = null, state_since = now(), updated_at = now()
           from finished f
          where p.current_call_id = ?
         returning p.user_id
       )
       select 'offer' as part, id as offer_id, staff_id as user_id, null::int as transfers, null::int as wrap_up
         from cancelled
       union all select 'holder', null, user_id, null, null from holders
       union all select 'call', null, null, transfers, wrap_up from finished`,
      [callId, callId, callId],
    );
    const withdrawn = rows
      .filter((r) => r.part === 'offer')
      .map((r) => ({ id: r.offer_id as string, staff_id: r.user_id as string }));
    const holders = rows.filter((r) => r.part === 'holder').map((r) => r.user_id as string);
    const call = rows.find((r) => r.part === 'call');
    await this.notifyWithdrawn(callId, withdrawn, 'ended');
    await this.afterRelease(callId, call?.transfers ?? 0, call?.wrap_up ?? 0, holders);
    await this.drainAll(withdrawn.map((w) => w.staff_id));
  }

  /** A call answered elsewhere (a telephony answered event): the answerer is busy with it. */
  async callAnsweredBy(callId: string, userId: string | null): Promise<void> {
    const released = await this.withdrawOffers(callId, 'taken', userId);
    if (userId) {
      const updated = await this.em.fork().execute<{ user_id: string }[]>(
        `update staff_presence set state = 'busy', current_call_id = ?, state_since = now(), updated_at = now()
            where user_id = ? and (current_call_id is distinct from ?) returning user_id`,
        [callId, userId, callId],
      );
      if (updated.length > 0) await this.presence.announce(userId);
    }
    await Promise.all(released.map((id) => this.drainWaitingFor(id)));
  }

  async wrapUpDone(userId: string, callId: string): Promise<void> {
    const rows = await this.em.fork().execute<{ user_id: string }[]>(
      `update staff_presence set state = 'idle', state_since = now(), idle_since = now(), updated_at = now()
          where user_id = ? and state = 'wrap_up' and current_call_id is null returning user_id`,
      [userId],
    );
    if (rows.length === 0) return;
    this.logger.debug({ userId, callId }, 'wrap-up done');
    await this.presence.announce(userId);
    await this.drainWaitingFor(userId);
  }

  /**
   * Someone became eligible: the oldest highest-priority call they can take is offered now, and
   * if no call is waiting for them, a request. Calls come first: a caller is on the line.
   */
  async drainWaitingFor(userId: string): Promise<void> {
    for (const callId of await this.repo.waitingCallsFor(userId)) {
      const offered = await this.routeCall(callId, 'staff-available');
      if (offered.includes(userId)) return;
      const me = await this.presence.get(userId);
      if (me.status !== 'available' || me.state !== 'idle') return;
    }
    await this.requests.drainFor(userId);
  }

  async decisionsFor(itemId: string): Promise<RoutingDecisionRecord[]> {
    return this.em
      .fork()
      .find(RoutingDecisionRecord, { itemId }, { orderBy: { at: 'asc', id: 'asc' } });
  }

  /**
   * A receptionist offers a waiting or ringing call to the person of her choice, bypassing the
   * queue's strategy. Under the call's row lock its pending offers are withdrawn and the person
   * is claimed exactly as routeCall claims; if they cannot be claimed nothing changes.
   */
  async assign(callId: string, staffId: string, by: string): Promise<ManualOffer> {
    const call = await this.loadForAction(callId);
    const offerId = randomUUID();
    const withdrawn = await this.underCallLock(callId, async (tx, locked) => {
      requireWaiting(callId, locked);
      // Accepted a moment ago, its `answered` step not recorded yet: someone is on it already.
      const holders = await tx.execute<{ user_id: string }[]>(
        `select user_id from staff_presence where current_call_id = ?`,
        [callId],
      );
      if (holders.length > 0) {
        throw new AppError(
          'CALL_NOT_WAITING',
          `Call ${callId} was just accepted: someone is on it; transfer it instead`,
        );
      }
      const cancelled = await this.cancelOffers(tx, callId);
      await this.claimChosen(tx, callId, staffId, offerId);
      return cancelled;
    });
    await this.notifyWithdrawn(callId, withdrawn, 'reassigned');
    const offer = await this.afterOffer(call, staffId, offerId);
    await this.recordManual(call, 'manual-assign', staffId, by);
    await this.drainAll(withdrawn.map((w) => w.staff_id).filter((id) => id !== staffId));
    return offer;
  }

  /**
   * The call moves on without ending: whoever is on it is released (wrap-up or idle, as when a
   * call ends), a `transferred` event starts a new leg, and the call is offered to the person
   * named or routed in the queue named (the `call.transferred` reaction routes it). The release
   * and the claim of the person commit together, so a refused claim leaves the holder on the call.
   */
  async transfer(
    callId: string,
    target: TransferTarget,
    actor: ManualActor,
  ): Promise<ManualOffer | null> {
    const call = await this.loadForAction(callId);
    const offerId = randomUUID();
    const { withdrawn, holders } = await this.underCallLock(callId, async (tx, locked) => {
      if (isClosed(locked)) throw callOver(callId, locked.status);
      if (actor.mustHold !== null && !(await this.repo.holds(actor.mustHold, callId, tx))) {
        throw new AppError('FORBIDDEN', 'Agents may only transfer the call they are on');
      }
      const cancelled = await this.cancelOffers(tx, callId);
      const released = await this.releaseHolders(tx, callId, call.wrapUpSeconds);
      if ('staffId' in target) {
        if (released.includes(target.staffId)) {
          throw new AppError('VALIDATION_FAILED', 'The call is already with this person', {
            field: 'toUserId',
          });
        }
        await this.claimChosen(tx, callId, target.staffId, offerId);
      }
      return { withdrawn: cancelled, holders: released };
    });
    await this.notifyWithdrawn(callId, withdrawn, 'transferred');
    await this.calls.recordRouterEvent(callId, {
      id: `transfer:${offerId}`,
      type: 'transferred',
      at: new Date(),
      agent: holders.length > 0 ? await this.agent(holders[0]) : null,
      queue: 'queueCode' in target ? target.queueCode : call.queueCode,
    });
    let offer: ManualOffer | null = null;
    if ('staffId' in target) {
      offer = await this.afterOffer(call, target.staffId, offerId);
      await this.recordManual(call, 'manual-transfer', target.staffId, actor.username);
    }
    await this.afterRelease(callId, call.transfers, call.wrapUpSeconds, holders);
    await this.drainAll(withdrawn.map((w) => w.staff_id));
    return offer;
  }

  /**
   * A waiting caller would rather be called back: the call leaves the queue as `missed`, as at
   * the queue's limit, so it joins the unfinished calls and its curator (or the supervisors) is
   * told. Only for callers nobody has talked to yet: an answered call never counts as missed.
   */
  async holdForCallback(callId: string, note: string | null, by: string): Promise<void> {
    const call = await this.loadForAction(callId);
    const withdrawn = await this.underCallLock(callId, async (tx, locked) => {
      requireWaiting(callId, locked);
      if (locked.outcome !== 'in_progress') {
        throw new AppError(
          'CALL_NOT_WAITING',
          `Call ${callId} was answered before it was transferred; it cannot become a missed call`,
        );
      }
      return this.cancelOffers(tx, callId);
    });
    await this.notifyWithdrawn(callId, withdrawn, 'callback');
    const recorded = await this.calls.recordRouterEvent(callId, {
      id: `callback:${callId}`,
      type: 'missed',
      at: new Date(),
      agent: null,
      queue: call.queueCode,
      note: note === null ? undefined : `Callback requested (${by}): ${note}`,
    });
    await this.drainAll(withdrawn.map((w) => w.staff_id));
    if (!recorded) throw callOver(callId, 'missed');
  }

  /**
   * Under the call's row lock, and only while the call waits with no pending offer, claims the
   * first person of `ordered` who is still free (every one of them for ring-all) and inserts the
   * offers, in one transaction. People whose row another transaction holds are skipped rather
   * than waited for: whatever that transaction does either leaves them unable to take a call or
   * ends in a reaction that offers them the waiting calls (accept, release, status change).
   */
  private async claim(
    call: RoutableCall,
    ordered: readonly string[],
    ringAll: boolean,
    attempt = 1,
  ): Promise<{ staffId: string; offerId: string }[]> {
    try {
      return await this.em.fork().transactional(async (tx) => {
        const locked = await this.lockCall(tx, call.id);
        if (!locked || !isWaiting(locked)) return [];
        // This statement starts after the lock is held, so it sees an offer another process
        // made under the same lock just before (ring-all offers have no unique index to stop
        // a second group), and an accept that committed before the call's `answered` step is
        // recorded: whoever accepted is on the call, so it is not offered again.
        const rows = await tx.execute<{ staff_id: string; id: string }[]>(
          `with pick as (
             select s.user_id, t.ord
               from unnest(?::uuid[]) with ordinality as t(user_id, ord)
               join staff_presence s on s.user_id = t.user_id
              where s.status = 'available' and s.state = 'idle' and s.current_call_id is null
                and (s.cooldown_until is null or s.cooldown_until <= now())
                and not exists (select 1 from offers o where o.item_id = ? and o.status = 'pending')
                and not exists (select 1 from staff_presence h where h.current_call_id = ?)
              order by t.ord
              limit ?
                for update of s skip locked
           ), claimed as (
             update staff_presence p
                set state = 'offered', state_since = now(), last_offered_at = now(), updated_at = now()
               from pick where p.user_id = pick.user_id
             returning p.user_id, pick.ord
           )
           insert into offers (id, kind, item_id, staff_id, status, ring_group, created_at, expires_at)
           select gen_random_uuid(), 'call', ?, claimed.user_id, 'pending', ?, now(),
                  now() + make_interval(secs => ?)
             from claimed order by claimed.ord
           returning staff_id, id`,
          [
            pgArray(ordered),
            call.id,
            call.id,
            ringAll ? ordered.length : 1,
            call.id,
            ringAll ? randomUUID() : null,
            this.config.routing.offerTimeoutCallSeconds,
          ],
        );
        return inOfferOrder(rows, ordered);
      });
    } catch (err) {
      // The lock makes both rare: the call or a person was offered elsewhere, nothing changed.
      if (isUniqueViolation(err, 'offers_one_pending_per_item')) return [];
      if (isUniqueViolation(err, 'offers_one_pending_call_per_staff') && attempt < 3) {
        return this.claim(call, ordered, ringAll, attempt + 1);
      }
      throw err;
    }
  }

  /** Serialises everything that offers or withdraws the call: every claim takes this lock first. */
  private async lockCall(tx: EntityManager, callId: string): Promise<LockedCall | null> {
    const rows = await tx.execute<LockedCall[]>(
      `select status, outcome from calls where id = ? for update`,
      [callId],
    );
    return rows[0] ?? null;
  }

  /** The atomic claim: only someone available, idle, off calls and out of cool-down is offered. */
  private async claimIn(
    tx: EntityManager,
    callId: string,
    staffId: string,
    offerId: string,
    ringGroup: string | null,
  ): Promise<boolean> {
    const claimed = await tx.execute<{ user_id: string }[]>(
      `update staff_presence set state = 'offered', state_since = now(), last_offered_at = now(), updated_at = now()
        where user_id = ? and status = 'available' and state = 'idle' and current_call_id is null
          and (cooldown_until is null or cooldown_until <= now())
        returning user_id`,
      [staffId],
    );
    if (claimed.length === 0) return false;
    await tx.execute(
      `insert into offers (id, kind, item_id, staff_id, status, ring_group, created_at, expires_at)
       values (?, 'call', ?, ?, 'pending', ?, now(), now() + make_interval(secs => ?))`,
      [offerId, callId, staffId, ringGroup, this.config.routing.offerTimeoutCallSeconds],
    );
    return true;
  }

  /** The same claim for a person chosen by hand; a refusal rolls the whole action back. */
  private async claimChosen(
    tx: EntityManager,
    callId: string,
    staffId: string,
    offerId: string,
  ): Promise<void> {
    if (await this.claimIn(tx, callId, staffId, offerId, null)) return;
    const rows = await tx.execute<
      { username: string; status: string | null; state: string | null; cooling: boolean }[]
    >(
      `select u.username, p.status, p.state, coalesce(p.cooldown_until > now(), false) as cooling
         from users u left join staff_presence p on p.user_id = u.id where u.id = ?`,
      [staffId],
    );
    const who = rows[0];
    const status = who?.status ?? 'offline';
    const state = who?.state ?? 'idle';
    const why = who?.cooling ? `, cooling down after a declined offer` : '';
    throw new AppError(
      'STAFF_NOT_AVAILABLE',
      `${who?.username ?? staffId} is ${status} and ${state}${why}; only someone available and idle can be offered a call`,
      { details: { status, state } },
    );
  }

  /** For manual actions: the call row is locked for `work`, which commits or rolls back whole. */
  private async underCallLock<T>(
    callId: string,
    work: (tx: EntityManager, locked: LockedCall) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.em.fork().transactional(async (tx) => {
        const locked = await this.lockCall(tx, callId);
        if (!locked) throw new AppError('CALL_NOT_FOUND', `Call ${callId} does not exist`);
        return work(tx, locked);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'offers_one_pending_call_per_staff')) {
        throw new AppError('STAFF_NOT_AVAILABLE', 'That person is being offered another call');
      }
      throw err;
    }
  }

  private async loadForAction(callId: string): Promise<RoutableCall> {
    const call = await this.repo.loadCall(callId);
    if (!call) throw new AppError('CALL_NOT_FOUND', `Call ${callId} does not exist`);
    return call;
  }

  /** Whoever is on the call goes to wrap-up (if the queue has one) or straight to idle. */
  private async releaseHolders(
    em: EntityManager,
    callId: string,
    wrapUpSeconds: number,
  ): Promise<string[]> {
    const rows = await em.execute<{ user_id: string }[]>(
      `update staff_presence
            set state = case when ? > 0 then 'wrap_up'::staff_state else 'idle'::staff_state end,
                idle_since = case when ? > 0 then idle_since else now() end,
                current_call_id = null, state_since = now(), updated_at = now()
          where current_call_id = ? returning user_id`,
      [wrapUpSeconds, wrapUpSeconds, callId],
    );
    return rows.map((r) => r.user_id);
  }

  /** `leg` keeps the wrap-up job of a transfer apart from the one when the call ends. */
  private async afterRelease(
    callId: string,
    leg: number,
    wrapUpSeconds: number,
    holders: readonly string[],
  ): Promise<void> {
    for (const userId of holders) {
      await this.presence.announce(userId);
      if (wrapUpSeconds > 0) {
        await this.jobs.enqueue(
          'routing.wrap-up-done',
          { userId, callId },
          {
            delay: wrapUpSeconds * 1000,
            jobId: leg === 0 ? `wrap-up-${userId}-${callId}` : `wrap-up-${userId}-${callId}-${leg}`,
          },
        );
      } else {
        await this.drainWaitingFor(userId);
      }
    }
  }

  private async drainAll(userIds: readonly string[]): Promise<void> {
    await Promise.all(userIds.map((id) => this.drainWaitingFor(id)));
  }

  /**
   * The offer reaches the person as soon as its durable timeout exists; telling the console and
   * recording the step follow. `username` saves a look-up when routing already read it.
   */
  private async afterOffer(
    call: RoutableCall,
    staffId: string,
    offerId: string,
    username?: string,
  ): Promise<ManualOffer> {
    const timeout = this.config.routing.offerTimeoutCallSeconds;
    const expiresAt = new Date(Date.now() + timeout * 1000).toISOString();
    const [, { item, dossier }] = await Promise.all([
      // Durable: the timeout survives a restart of this process because it lives in Redis.
      this.jobs.enqueue(
        'routing.offer-timeout',
        { offerId },
        { delay: timeout * 1000, jobId: `offer-timeout-${offerId}` },
      ),
      this.calls.describeForOffer(call),
    ]);
    this.publisher.toRooms(rooms.user(staffId), 'offer', {
      offerId,
      kind: 'call',
      item,
      dossier,
      expiresAt,
    });
    await Promise.all([
      this.presence.announce(staffId),
      this.calls.recordRouterEvent(call.id, {
        id: `offer:${offerId}`,
        type: 'offered',
        at: new Date(),
        agent: username !== undefined ? { id: staffId, username } : await this.agent(staffId),
        queue: call.queueCode,
      }),
    ]);
    return { offerId, staffId, expiresAt };
  }

  /** One statement: the offers are cancelled and their people freed together, or not at all. */
  private async withdrawOffers(
    callId: string,
    reason: string,
    except: string | null = null,
  ): Promise<string[]> {
    const rows = await this.em.getConnection().execute<CancelledOffer[]>(
      `with cancelled as (
         update offers set status = 'cancelled', resolved_at = now()
          where item_id = ? and status = 'pending' and staff_id is distinct from ?
         returning id, staff_id
       ), freed as (
         update staff_presence set state = 'idle', state_since = now(), updated_at = now()
          where user_id in (select staff_id from cancelled) and state = 'offered'
       )
       select id, staff_id from cancelled`,
      [callId, except],
    );
    await this.notifyWithdrawn(callId, rows, reason);
    return rows.map((r) => r.staff_id);
  }

  private async cancelOffers(
    tx: EntityManager,
    callId: string,
    except: string | null = null,
  ): Promise<CancelledOffer[]> {
    const cancelled = await tx.execute<CancelledOffer[]>(
      `update offers set status = 'cancelled', resolved_at = now()
        where item_id = ? and status = 'pending' and staff_id is distinct from ? returning id, staff_id`,
      [callId, except],
    );
    if (cancelled.length > 0) {
      await tx.execute(
        `update staff_presence set state = 'idle', state_since = now(), updated_at = now()
          where user_id = any(?::uuid[]) and state = 'offered'`,
        [pgArray(cancelled.map((c) => c.staff_id))],
      );
    }
    return cancelled;
  }

  private async notifyWithdrawn(
    callId: string,
    rows: readonly CancelledOffer[],
    reason: string,
  ): Promise<void> {
    for (const row of rows) {
      this.publisher.toRooms(rooms.user(row.staff_id), 'offer.revoked', {
        offerId: row.id,
        itemId: callId,
        reason,
      });
      await this.presence.announce(row.staff_id);
    }
  }

  /** The kind of an offer made to this person; NOT_FOUND for an offer that is not theirs. */
  private async offerKindOf(
    em: EntityManager,
    offerId: string,
    userId: string,
  ): Promise<'call' | 'request'> {
    const rows = await em.execute<{ staff_id: string; kind: 'call' | 'request' }[]>(
      `select staff_id, kind from offers where id = ?`,
      [offerId],
    );
    if (rows.length === 0 || rows[0].staff_id !== userId) {
      throw new AppError('NOT_FOUND', `Offer ${offerId} does not exist or is not yours`);
    }
    return rows[0].kind;
  }

  private async scheduleMaxWait(call: RoutableCall): Promise<void> {
    const due = waitingSince(call).getTime() + call.maxWaitSeconds * 1000;
    const leg = call.transfers;
    await this.jobs.enqueue(
      'routing.max-wait',
      leg === 0 ? { callId: call.id } : { callId: call.id, leg },
      {
        delay: Math.max(0, due - Date.now()),
        jobId: leg === 0 ? `max-wait-${call.id}` : `max-wait-${call.id}-${leg}`,
      },
    );
  }

  /** A decision made by hand: no candidates were weighed, a person was named. */
  private async recordManual(
    call: RoutableCall,
    trigger: string,
    staffId: string,
    by: string,
  ): Promise<void> {
    await this.record(
      call,
      {
        strategy: 'manual',
        ordered: [staffId],
        rejected: [],
        reason: `manual assignment by ${by}`,
      },
      trigger,
      [staffId],
    );
  }

  private async record(
    call: RoutableCall,
    decision: DecisionToRecord,
    trigger: string,
    offeredTo: string[],
  ): Promise<void> {
    await this.repo.recordDecision('call', call.id, decision, trigger, offeredTo);
  }

  private async agent(userId: string): Promise<StepAgent | null> {
    const rows = await this.em
      .fork()
      .execute<{ username: string }[]>(`select username from users where id = ?`, [userId]);
    return rows[0] ? { id: userId, username: rows[0].username } : null;
  }

  private cursorKey(queueId: string): string {
    return `${this.config.redis.prefix}:routing:rr:${queueId}`;
  }
}

/** The current leg's wait began at the latest transfer, or when the caller was first queued. */
function waitingSince(call: RoutableCall): Date {
  return (call.transfers > 0 ? call.transferredAt : null) ?? call.queuedAt ?? call.arrivedAt;
}

function offerExpired(): AppError {
  return new AppError('OFFER_EXPIRED', 'This offer has expired or was taken by someone else');
}

function callOver(callId: string, status: string): AppError {
  return new AppError('CALL_ALREADY_ENDED', `Call ${callId} is already ${status}`);
}

function requireWaiting(callId: string, locked: LockedCall): void {
  if (isClosed(locked)) throw callOver(callId, locked.status);
  if (!isWaiting(locked)) {
    throw new AppError(
      'CALL_NOT_WAITING',
      `Call ${callId} is ${locked.status}: someone is on it; transfer it instead`,
    );
  }
}
