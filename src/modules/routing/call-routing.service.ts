import { LeanSql } from '@/database/lean-sql';
import { AppConfig } from '@/config/app-config';
import { Injectable } from '@nestjs/common';
import { JobProducer } from '@/queue/job-producer.service';
import { StaffStateRepository } from '@/modules/staff/staff-state.repository';
import { CallOffersService } from '@/modules/routing/call-offers.service';
import { OffersRepository } from '@/modules/routing/offers.repository';
import { isUniqueViolation } from '@/modules/routing/offer-claims';
import { RequestRoutingService } from '@/modules/routing/request-routing.service';
import { ClaimedOffer, RoutingKind, RoutingPipeline } from '@/modules/routing/routing-pipeline';
import { CallLedger } from '@/modules/routing/routing.ports';
import { WaitingWorkRepository } from '@/modules/routing/waiting-work.repository';
import {
  decisionInsert,
  isWaiting,
  RoutableCall,
  RoutingRepository,
} from '@/modules/routing/routing.repository';
import type { RoutingDecision } from '@/modules/routing/routing.types';

/** The current leg's wait began at the latest transfer, or when the caller was first queued. */
export function waitingSince(call: RoutableCall): Date {
  return (call.transfers > 0 ? call.transferredAt : null) ?? call.queuedAt ?? call.arrivedAt;
}

/**
 * Offers waiting calls to the right person through the routing pipeline. What makes it safe
 * with several API processes and workers is in PostgreSQL: the call row is locked while its
 * offer is made, a person is claimed with a conditional update (staffStateSql.claimable), and
 * partial unique indexes forbid a second pending offer of an item or a second pending call for
 * a person.
 */
@Injectable()
export class CallRoutingService {
  private readonly hooks: RoutingKind<RoutableCall>;

  constructor(
    private readonly sql: LeanSql,
    private readonly pipeline: RoutingPipeline,
    private readonly repo: RoutingRepository,
    private readonly waiting: WaitingWorkRepository,
    private readonly offers: OffersRepository,
    private readonly callOffers: CallOffersService,
    private readonly staff: StaffStateRepository,
    private readonly jobs: JobProducer,
    private readonly calls: CallLedger,
    private readonly requests: RequestRoutingService,
    private readonly config: AppConfig,
  ) {
    this.hooks = {
      kind: 'call',
      load: (id) => this.repo.loadCall(id),
      candidates: (id) => this.repo.candidatesFor(id, 'call'),
      loadWithCandidates: async (id) => {
        const loaded = await this.repo.loadCallWithCandidates(id);
        return loaded && { ...loaded, item: loaded.call };
      },
      routable: (call) => isWaiting(call) && !call.pendingOffer,
      workItem: (call) => ({
        kind: 'call',
        id: call.id,
        priority: call.priority,
        waitingSince: call.queuedAt ?? call.arrivedAt,
        curatorId: call.curatorId,
        requiredSkill: 1,
      }),
      claim: (call, ordered, ringAll) => this.claim(call, ordered, ringAll),
      claimAndRecord: (call, ordered, ringAll, record) =>
        this.claim(call, ordered, ringAll, record),
      offered: (call, offer, username) =>
        this.callOffers.deliver(call, offer.staffId, offer.offerId, username, offer.presence),
      // The max-wait job is idempotent (one job id per leg), so it need not delay the claim.
      alongside: (call) => this.scheduleMaxWait(call),
      // A call that arrived with a queue and cannot be offered to anyone is recorded as
      // `queued`: waiting in our queue, which is what the console shows until someone is free.
      settled: (call, offeredTo) =>
        offeredTo.length === 0 && call.status === 'arrived' && call.queueCode !== null
          ? this.calls.recordRouterEvent(call.id, {
              id: `queued:${call.id}`,
              type: 'queued',
              at: new Date(Math.max(Date.now(), call.arrivedAt.getTime())),
              agent: null,
              queue: call.queueCode,
            })
          : Promise.resolve(),
    };
  }

  /** Offers a waiting call to the next eligible person of its queue, if there is one. */
  routeCall(callId: string, trigger: string): Promise<string[]> {
    return this.pipeline.route(this.hooks, callId, trigger);
  }

  /**
   * Someone became eligible: the oldest highest-priority call they can take is offered now, and
   * if no call is waiting for them, a request. Calls come first: a caller is on the line.
   */
  async drainWaitingFor(userId: string): Promise<void> {
    const { calls, requests } = await this.waiting.waitingWorkFor(
      userId,
      this.config.routing.maxOpenRequests,
    );
    for (const callId of calls) {
      const offered = await this.routeCall(callId, 'staff-available');
      if (offered.includes(userId)) return;
      // A plain read: the ORM's entity and its user would be hydrated here once per waiting call.
      const me = await this.staff.standing(this.sql, userId);
      if (me.status !== 'available' || me.state !== 'idle') return;
    }
    // Read before the calls were routed: only trusted as they were when no call was waiting.
    await this.requests.drainFor(userId, calls.length === 0 ? requests : undefined);
  }

  async drainAll(userIds: readonly string[]): Promise<void> {
    await Promise.all(userIds.map((id) => this.drainWaitingFor(id)));
  }

  /**
   * Under the call's row lock, and only while the call waits with no pending offer, claims the
   * first person of `ordered` who is still free (every one of them for ring-all) and inserts the
   * offers: one statement (OffersRepository.claimCall), so one round trip and no transaction
   * left open between them. People whose row another transaction holds are skipped rather
   * than waited for: whatever that transaction does either leaves them unable to take a call or
   * ends in a reaction that offers them the waiting calls (accept, release, status change).
   */
  private async claim(
    call: RoutableCall,
    ordered: readonly string[],
    ringAll: boolean,
    record?: { decision: RoutingDecision; trigger: string },
    attempt = 1,
  ): Promise<ClaimedOffer[]> {
    const decision = record
      ? decisionInsert(
          'call',
          call.id,
          record.decision,
          record.trigger,
          `coalesce((select jsonb_agg(c.user_id order by c.ord) from claimed c
                      join offered f on f.staff_id = c.user_id), '[]'::jsonb)`,
        )
      : undefined;
    try {
      return await this.offers.claimCall(this.sql, call.id, ordered, ringAll, decision);
    } catch (err) {
      // The lock makes both rare: the call or a person was offered elsewhere, nothing changed
      // (the decision's insert failed with the statement: recorded on its own).
      if (isUniqueViolation(err, 'offers_one_pending_per_item')) {
        if (record) {
          await this.repo.recordDecision('call', call.id, record.decision, record.trigger, []);
        }
        return [];
      }
      if (isUniqueViolation(err, 'offers_one_pending_call_per_staff') && attempt < 3) {
        return this.claim(call, ordered, ringAll, record, attempt + 1);
      }
      throw err;
    }
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
}
