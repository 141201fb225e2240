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
import { CallLedger } from '@/modules/routing/routing.ports';
import { RoutableCall, RoutingRepository } from '@/modules/routing/routing.repository';
import { decideRouting } from '@/modules/routing/strategies';
import type { RoutingDecision } from '@/modules/routing/routing.types';

type ClaimResult = 'offered' | 'staff-busy' | 'item-taken';

interface OfferRow {
  item_id: string;
  staff_id: string;
  kind: 'call' | 'request';
  ring_group: string | null;
}

const FINISHED_STATUSES = new Set(['answered', 'ended', 'abandoned', 'missed', 'blocked']);

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return (
    (e.code === '23505' || /duplicate key/.test(e.message ?? '')) &&
    (e.constraint === constraint || (e.message ?? '').includes(constraint))
  );
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
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Offers a waiting call to the next eligible person of its queue, if there is one. */
  async routeCall(callId: string, trigger: string): Promise<string[]> {
    const call = await this.repo.loadCall(callId);
    if (!call || !call.queueId || !call.strategy) return [];
    if (call.outcome !== 'in_progress' || FINISHED_STATUSES.has(call.status)) return [];
    if (await this.repo.hasPendingOffer(call.id)) return [];
    await this.scheduleMaxWait(call);

    const now = new Date();
    const decision = decideRouting({
      strategy: call.strategy,
      candidates: await this.repo.candidates(call.queueId),
      item: {
        kind: 'call',
        id: call.id,
        priority: call.priority,
        waitingSince: call.queuedAt ?? call.arrivedAt,
        curatorId: call.curatorId,
        requiredSkill: 1,
      },
      capacity: { maxCalls: 1, maxRequests: this.config.routing.maxOpenRequests },
      now,
      excluded: await this.repo.excludedFor(call.id),
      roundRobinCursor: await this.redis.get(this.cursorKey(call.queueId)),
    });

    const offeredTo: string[] = [];
    const ringGroup = decision.ringAll ? randomUUID() : null;
    for (const staffId of decision.ordered) {
      const offerId = randomUUID();
      const result = await this.claim(call, staffId, offerId, ringGroup);
      if (result === 'item-taken') break;
      if (result === 'staff-busy') continue;
      offeredTo.push(staffId);
      await this.afterOffer(call, staffId, offerId);
      if (!decision.ringAll) break;
    }
    await this.record(call, decision, trigger, offeredTo);
    if (offeredTo.length > 0 && !decision.ringAll) {
      await this.redis.set(this.cursorKey(call.queueId), offeredTo[0], 'EX', 86400);
    }
    return offeredTo;
  }

  async accept(offerId: string, userId: string): Promise<{ offerId: string; itemId: string }> {
    const { row, released } = await this.em.fork().transactional(async (tx) => {
      const accepted = await tx.execute<OfferRow[]>(
        `update offers set status = 'accepted', resolved_at = now()
          where id = ? and staff_id = ? and status = 'pending' and expires_at > now()
          returning item_id, staff_id, kind, ring_group`,
        [offerId, userId],
      );
      if (accepted.length === 0) await this.explainUnavailableOffer(tx, offerId, userId);
      const offer = accepted[0];
      const others = offer.ring_group
        ? await tx.execute<{ staff_id: string }[]>(
            `update offers set status = 'cancelled', resolved_at = now()
              where ring_group = ? and status = 'pending' returning staff_id`,
            [offer.ring_group],
          )
        : [];
      await tx.execute(
        `update staff_presence set state = 'busy', state_since = now(), current_call_id = ?,
                consecutive_no_answers = 0, updated_at = now(),
                calls_today = case when calls_today_date = (now() at time zone 'utc')::date then calls_today + 1 else 1 end,
                calls_today_date = (now() at time zone 'utc')::date
          where user_id = ?`,
        [offer.item_id, userId],
      );
      const releasedIds = others.map((o) => o.staff_id);
      if (releasedIds.length > 0) {
        await tx.execute(
          `update staff_presence set state = 'idle', state_since = now(), updated_at = now()
            where user_id = any(?::uuid[]) and state = 'offered'`,
          [pgArray(releasedIds)],
        );
      }
      return { row: offer, released: releasedIds };
    });
    const username = await this.username(userId);
    const call = await this.repo.loadCall(row.item_id);
    await this.calls.recordRouterEvent(row.item_id, {
      id: `offer-accepted:${offerId}`,
      type: 'answered',
      at: new Date(),
      agent: username,
      queue: call?.queueCode ?? null,
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
      if (declined.length === 0) await this.explainUnavailableOffer(tx, offerId, userId);
      await tx.execute(
        `update staff_presence set state = 'idle', state_since = now(), updated_at = now(),
                cooldown_until = now() + make_interval(secs => ?)
          where user_id = ? and state = 'offered'`,
        [cooldown, userId],
      );
      return declined[0];
    });
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
    await this.presence.announce(row.staff_id);
    await this.routeCall(row.item_id, 'timeout');
  }

  /** Past the queue's limit the call is missed: offers are withdrawn and a callback is due. */
  async maxWaitReached(callId: string): Promise<void> {
    const call = await this.repo.loadCall(callId);
    if (!call || call.outcome !== 'in_progress' || FINISHED_STATUSES.has(call.status)) return;
    const released = await this.withdrawOffers(callId, 'missed');
    await this.calls.recordRouterEvent(callId, {
      id: `missed:${callId}`,
      type: 'missed',
      at: new Date(),
      agent: null,
      queue: call.queueCode,
    });
    this.publisher.toRooms(rooms.role('supervisor'), 'routing.alert', {
      kind: 'call.missed',
      callId: call.externalId,
      queue: call.queueCode,
      waitedSeconds: Math.round((Date.now() - (call.queuedAt ?? call.arrivedAt).getTime()) / 1000),
      message: `Call from ${call.fromNumber ?? 'unknown number'} waited past ${call.maxWaitSeconds} s in ${call.queueCode ?? 'no queue'}; call back`,
    });
    await Promise.all(released.map((id) => this.drainWaitingFor(id)));
  }

  /** A call ended (or was abandoned): the person who had it goes to wrap-up or straight to idle. */
  async callFinished(callId: string): Promise<void> {
    const released = await this.withdrawOffers(callId, 'ended');
    const call = await this.repo.loadCall(callId);
    const wrapUp = call?.wrapUpSeconds ?? 0;
    const holders = await this.em.fork().execute<{ user_id: string }[]>(
      `update staff_presence
            set state = case when ? > 0 then 'wrap_up'::staff_state else 'idle'::staff_state end,
                current_call_id = null, state_since = now(), updated_at = now()
          where current_call_id = ? returning user_id`,
      [wrapUp, callId],
    );
    for (const { user_id: userId } of holders) {
      await this.presence.announce(userId);
      if (wrapUp > 0) {
        await this.jobs.enqueue(
          'routing.wrap-up-done',
          { userId, callId },
          { delay: wrapUp * 1000, jobId: `wrap-up-${userId}-${callId}` },
        );
      } else {
        await this.drainWaitingFor(userId);
      }
    }
    await Promise.all(released.map((id) => this.drainWaitingFor(id)));
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
      `update staff_presence set state = 'idle', state_since = now(), updated_at = now()
          where user_id = ? and state = 'wrap_up' and current_call_id is null returning user_id`,
      [userId],
    );
    if (rows.length === 0) return;
    this.logger.debug({ userId, callId }, 'wrap-up done');
    await this.presence.announce(userId);
    await this.drainWaitingFor(userId);
  }

  /** Someone became eligible: the oldest highest-priority call they can take is offered now. */
  async drainWaitingFor(userId: string): Promise<void> {
    for (const callId of await this.repo.waitingCallsFor(userId)) {
      const offered = await this.routeCall(callId, 'staff-available');
      if (offered.includes(userId)) return;
      const me = await this.presence.get(userId);
      if (me.status !== 'available' || me.state !== 'idle') return;
    }
  }

  async decisionsFor(itemId: string): Promise<RoutingDecisionRecord[]> {
    return this.em
      .fork()
      .find(RoutingDecisionRecord, { itemId }, { orderBy: { at: 'asc', id: 'asc' } });
  }

  private async claim(
    call: RoutableCall,
    staffId: string,
    offerId: string,
    ringGroup: string | null,
  ): Promise<ClaimResult> {
    const timeout = this.config.routing.offerTimeoutCallSeconds;
    try {
      return await this.em.fork().transactional(async (tx) => {
        const locked = await tx.execute<{ outcome: string; status: string }[]>(
          `select outcome, status from calls where id = ? for update`,
          [call.id],
        );
        if (
          locked.length === 0 ||
          locked[0].outcome !== 'in_progress' ||
          FINISHED_STATUSES.has(locked[0].status)
        ) {
          return 'item-taken';
        }
        const claimed = await tx.execute<{ user_id: string }[]>(
          `update staff_presence set state = 'offered', state_since = now(), last_offered_at = now(), updated_at = now()
            where user_id = ? and status = 'available' and state = 'idle' and current_call_id is null
              and (cooldown_until is null or cooldown_until <= now())
            returning user_id`,
          [staffId],
        );
        if (claimed.length === 0) return 'staff-busy';
        await tx.execute(
          `insert into offers (id, kind, item_id, staff_id, status, ring_group, created_at, expires_at)
           values (?, 'call', ?, ?, 'pending', ?, now(), now() + make_interval(secs => ?))`,
          [offerId, call.id, staffId, ringGroup, timeout],
        );
        return 'offered';
      });
    } catch (err) {
      if (isUniqueViolation(err, 'offers_one_pending_per_item')) return 'item-taken';
      if (isUniqueViolation(err, 'offers_one_pending_call_per_staff')) return 'staff-busy';
      throw err;
    }
  }

  private async afterOffer(call: RoutableCall, staffId: string, offerId: string): Promise<void> {
    const timeout = this.config.routing.offerTimeoutCallSeconds;
    const expiresAt = new Date(Date.now() + timeout * 1000).toISOString();
    // Durable: the timeout survives a restart of this process because it lives in Redis.
    await this.jobs.enqueue(
      'routing.offer-timeout',
      { offerId },
      { delay: timeout * 1000, jobId: `offer-timeout-${offerId}` },
    );
    const { item, dossier } = await this.calls.describeForOffer(call.id);
    this.publisher.toRooms(rooms.user(staffId), 'offer', {
      offerId,
      kind: 'call',
      item,
      dossier,
      expiresAt,
    });
    await this.presence.announce(staffId);
    await this.calls.recordRouterEvent(call.id, {
      id: `offer:${offerId}`,
      type: 'offered',
      at: new Date(),
      agent: await this.username(staffId),
      queue: call.queueCode,
    });
  }

  private async withdrawOffers(
    callId: string,
    reason: string,
    except: string | null = null,
  ): Promise<string[]> {
    const rows = await this.em.fork().transactional(async (tx) => {
      const cancelled = await tx.execute<{ id: string; staff_id: string }[]>(
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
    });
    for (const row of rows) {
      this.publisher.toRooms(rooms.user(row.staff_id), 'offer.revoked', {
        offerId: row.id,
        itemId: callId,
        reason,
      });
      await this.presence.announce(row.staff_id);
    }
    return rows.map((r) => r.staff_id);
  }

  private async explainUnavailableOffer(
    tx: EntityManager,
    offerId: string,
    userId: string,
  ): Promise<never> {
    const rows = await tx.execute<{ staff_id: string }[]>(
      `select staff_id from offers where id = ?`,
      [offerId],
    );
    if (rows.length === 0 || rows[0].staff_id !== userId) {
      throw new AppError('NOT_FOUND', `Offer ${offerId} does not exist or is not yours`);
    }
    throw new AppError('OFFER_EXPIRED', 'This offer has expired or was taken by someone else');
  }

  private async scheduleMaxWait(call: RoutableCall): Promise<void> {
    const due = (call.queuedAt ?? call.arrivedAt).getTime() + call.maxWaitSeconds * 1000;
    await this.jobs.enqueue(
      'routing.max-wait',
      { callId: call.id },
      { delay: Math.max(0, due - Date.now()), jobId: `max-wait-${call.id}` },
    );
  }

  private async record(
    call: RoutableCall,
    decision: RoutingDecision,
    trigger: string,
    offeredTo: string[],
  ): Promise<void> {
    const em = this.em.fork();
    em.create(RoutingDecisionRecord, {
      itemId: call.id,
      kind: 'call',
      strategy: decision.strategy,
      trigger,
      candidates: { rejected: decision.rejected },
      ordered: decision.ordered,
      offeredTo,
      reason:
        offeredTo.length === 0 && decision.ordered.length > 0
          ? `${decision.reason}; nobody could be claimed, waiting`
          : decision.reason,
    });
    await em.flush();
  }

  private async username(userId: string): Promise<string | null> {
    const rows = await this.em
      .fork()
      .execute<{ username: string }[]>(`select username from users where id = ?`, [userId]);
    return rows[0]?.username ?? null;
  }

  private cursorKey(queueId: string): string {
    return `${this.config.redis.prefix}:routing:rr:${queueId}`;
  }
}
