import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import { AppConfig } from '@/config/app-config';
import { pgArray } from '@/database/pg-array';
import { JobProducer } from '@/queue/job-producer.service';
import { rooms } from '@/realtime/realtime.events';
import { RealtimePublisher } from '@/realtime/realtime.publisher';
import { staffStateSql } from '@/modules/staff/staff-state.repository';
import { RequestDesk, TakenRequest } from '@/modules/routing/routing.ports';
import { WaitingWorkRepository } from '@/modules/routing/waiting-work.repository';
import { RoutableRequest, RoutingRepository } from '@/modules/routing/routing.repository';
import { ClaimedOffer, RoutingKind, RoutingPipeline } from '@/modules/routing/routing-pipeline';
import { inOfferOrder, isUniqueViolation } from '@/modules/routing/offer-claims';

/**
 * Offers open requests nobody holds through their queue's strategy, like calls: the same pure
 * decision, a claim in PostgreSQL, a durable timeout, decline and timeout moving on to the next
 * person. What differs is what an offer of a request holds back: nothing of the person's
 * presence (a request offer does not stop calls from reaching them), but a partial unique
 * index allows one pending request offer per person, and capacity counts that offer with the
 * requests they hold (MAX_OPEN_REQUESTS). Accepting assigns the request's current stage, in the
 * same transaction as the offer's acceptance. A request nobody can take waits; it is offered as
 * soon as someone of its queue becomes free, and its stage's due time raises the alert.
 */
@Injectable()
export class RequestRoutingService {
  private readonly logger = new Logger('RequestRouting');
  private readonly hooks: RoutingKind<RoutableRequest>;

  constructor(
    private readonly em: EntityManager,
    private readonly repo: RoutingRepository,
    private readonly waiting: WaitingWorkRepository,
    private readonly jobs: JobProducer,
    private readonly publisher: RealtimePublisher,
    private readonly config: AppConfig,
    private readonly desk: RequestDesk,
    private readonly pipeline: RoutingPipeline,
  ) {
    this.hooks = {
      kind: 'request',
      load: (id) => this.repo.loadRequest(id),
      candidates: (id) => this.repo.candidatesFor(id, 'request'),
      routable: (request) => request.status === 'open' && !request.held && !request.pendingOffer,
      workItem: (request) => ({
        kind: 'request',
        id: request.id,
        priority: request.priority,
        waitingSince: request.createdAt,
        curatorId: request.curatorId,
        requiredSkill: 1,
      }),
      claim: (request, ordered, ringAll) => this.claim(request, ordered, ringAll),
      offered: (request, offer) => this.afterOffer(request, offer),
    };
  }

  routeRequest(requestId: string, trigger: string): Promise<string[]> {
    return this.pipeline.route(this.hooks, requestId, trigger);
  }

  /**
   * The offer is accepted and the request assigned in one transaction. A request assigned by
   * hand meanwhile makes the offer OFFER_EXPIRED; a person who reached their capacity another
   * way gets STAFF_AT_CAPACITY. Either way the offer is withdrawn and the request moves on.
   */
  async accept(offerId: string, userId: string): Promise<{ offerId: string; itemId: string }> {
    // Set once the offer row is found, so a refusal after that knows which request to pass on.
    const found: { requestId?: string } = {};
    let released: { id: string; staff_id: string }[] = [];
    let requestId: string;
    let taken: TakenRequest;
    try {
      [requestId, taken] = await this.em.fork().transactional(async (tx) => {
        const accepted = await tx.execute<{ item_id: string; ring_group: string | null }[]>(
          `update offers set status = 'accepted', resolved_at = now()
            where id = ? and staff_id = ? and kind = 'request' and status = 'pending' and expires_at > now()
            returning item_id, ring_group`,
          [offerId, userId],
        );
        if (accepted.length === 0) {
          throw new AppError(
            'OFFER_EXPIRED',
            'This offer has expired or was taken by someone else',
          );
        }
        const { item_id: itemId, ring_group: ringGroup } = accepted[0];
        found.requestId = itemId;
        if (ringGroup !== null) {
          released = await tx.execute<{ id: string; staff_id: string }[]>(
            `update offers set status = 'cancelled', resolved_at = now()
              where ring_group = ? and id <> ? and status = 'pending' returning id, staff_id`,
            [ringGroup, offerId],
          );
        }
        const change = await this.desk.takeOffered(tx, itemId, userId);
        if (!change) {
          throw new AppError('OFFER_EXPIRED', 'This request was assigned to someone meanwhile');
        }
        return [itemId, change] as const;
      });
    } catch (err) {
      // The offer is still pending after the rollback: take it back and pass the request on.
      if (found.requestId !== undefined && err instanceof AppError) {
        await this.withdraw(
          found.requestId,
          err.code === 'STAFF_AT_CAPACITY' ? 'capacity' : 'taken',
        );
        await this.routeRequest(found.requestId, 'accept-refused');
      }
      throw err;
    }
    this.revoke(requestId, released, 'taken');
    await this.desk.announceTaken(taken);
    await Promise.all(released.map((r) => this.drainFor(r.staff_id)));
    return { offerId, itemId: requestId };
  }

  /** The request was taken by hand or closed: its pending offers are taken back. */
  async withdraw(requestId: string, reason: string): Promise<void> {
    const cancelled = await this.em.getConnection().execute<{ id: string; staff_id: string }[]>(
      `update offers set status = 'cancelled', resolved_at = now()
        where item_id = ? and kind = 'request' and status = 'pending' returning id, staff_id`,
      [requestId],
    );
    this.revoke(requestId, cancelled, reason);
    await Promise.all(cancelled.map((c) => this.drainFor(c.staff_id)));
  }

  /**
   * Someone may have room for a request: the waiting requests of their queues are routed in
   * serving order until one is offered to them. Each is routed by its queue's strategy, so a
   * request may go to someone else who has waited longer; the loop then tries the next.
   * `read`: the waiting requests when the caller has just read them (WaitingWorkRepository).
   */
  async drainFor(userId: string, read?: readonly string[]): Promise<void> {
    const waiting =
      read ?? (await this.waiting.waitingRequestsFor(userId, this.config.routing.maxOpenRequests));
    for (const requestId of waiting) {
      const offered = await this.routeRequest(requestId, 'staff-available');
      if (offered.includes(userId)) return;
    }
  }

  /**
   * Under the request's row lock, while it is open and unheld with no pending offer, claims the
   * first person of `ordered` still free (all of them for ring-all) and inserts the offers.
   * People whose presence row another transaction holds are skipped, as for calls.
   */
  private async claim(
    request: RoutableRequest,
    ordered: readonly string[],
    ringAll: boolean,
    attempt = 1,
  ): Promise<ClaimedOffer[]> {
    try {
      return await this.em.fork().transactional(async (tx) => {
        const locked = await tx.execute<{ status: string; held: boolean }[]>(
          `select status, current_assignee_id is not null as held from requests where id = ? for update`,
          [request.id],
        );
        if (locked.length === 0 || locked[0].status !== 'open' || locked[0].held) return [];
        const rows = await tx.execute<{ staff_id: string; id: string; ord: string }[]>(
          `with pick as (
             select s.user_id, t.ord
               from unnest(?::uuid[]) with ordinality as t(user_id, ord)
               join staff_presence s on s.user_id = t.user_id
              where ${staffStateSql.claimable('s', 'request')}
                and not exists (select 1 from offers o where o.item_id = ? and o.status = 'pending')
                and not exists (select 1 from offers o where o.staff_id = s.user_id
                                   and o.kind = 'request' and o.status = 'pending')
                and (select count(*) from requests r
                      where r.current_assignee_id = s.user_id and r.status = 'open') < ?
              order by t.ord
              limit ?
                for update of s skip locked
           )
           insert into offers (id, kind, item_id, staff_id, status, ring_group, created_at, expires_at)
           select gen_random_uuid(), 'request', ?, pick.user_id, 'pending', ?, now(),
                  now() + make_interval(secs => ?)
             from pick order by pick.ord
           returning staff_id, id`,
          [
            pgArray(ordered),
            request.id,
            this.config.routing.maxOpenRequests,
            ringAll ? ordered.length : 1,
            request.id,
            ringAll ? randomUUID() : null,
            this.config.routing.offerTimeoutRequestSeconds,
          ],
        );
        return inOfferOrder(rows, ordered);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'offers_one_pending_per_item')) return [];
      if (isUniqueViolation(err, 'offers_one_pending_request_per_staff') && attempt < 3) {
        return this.claim(request, ordered, ringAll, attempt + 1);
      }
      throw err;
    }
  }

  /** The offer reaches the person once its durable timeout exists. */
  private async afterOffer(request: RoutableRequest, claimed: ClaimedOffer): Promise<void> {
    const timeout = this.config.routing.offerTimeoutRequestSeconds;
    const expiresAt = new Date(Date.now() + timeout * 1000).toISOString();
    const [, { item, dossier }] = await Promise.all([
      this.jobs.enqueue(
        'routing.offer-timeout',
        { offerId: claimed.offerId },
        { delay: timeout * 1000, jobId: `offer-timeout-${claimed.offerId}` },
      ),
      this.desk.describeForOffer(request),
    ]);
    this.publisher.toRooms(rooms.user(claimed.staffId), 'offer', {
      offerId: claimed.offerId,
      kind: 'request',
      item,
      dossier,
      expiresAt,
    });
    this.logger.debug({ requestId: request.id, staffId: claimed.staffId }, 'request offered');
  }

  private revoke(
    requestId: string,
    offers: readonly { id: string; staff_id: string }[],
    reason: string,
  ): void {
    for (const offer of offers) {
      this.publisher.toRooms(rooms.user(offer.staff_id), 'offer.revoked', {
        offerId: offer.id,
        itemId: requestId,
        reason,
      });
    }
  }
}
