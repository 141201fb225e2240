import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import { JobProducer } from '@/queue/job-producer.service';
import { rooms } from '@/realtime/realtime.events';
import { RealtimePublisher } from '@/realtime/realtime.publisher';
import { PresenceService } from '@/modules/staff/presence.service';
import type { PresenceRow } from '@/modules/staff/staff-state.repository';
import type { StepAgent } from '@/modules/calls/call-steps.service';
import { CancelledOffer, OffersRepository } from '@/modules/routing/offers.repository';
import { CallLedger } from '@/modules/routing/routing.ports';
import type { RoutableCall } from '@/modules/routing/routing.repository';

/** A call offered to a person (by routing or chosen by hand). */
export interface ManualOffer {
  offerId: string;
  staffId: string;
  expiresAt: string;
}

/**
 * What follows a claim or a withdrawal of call offers, whoever made it (the pipeline, an answer,
 * a manual action): the durable timeout, the person's socket, the console and the call's log.
 */
@Injectable()
export class CallOffersService {
  constructor(
    private readonly offers: OffersRepository,
    private readonly presence: PresenceService,
    private readonly jobs: JobProducer,
    private readonly publisher: RealtimePublisher,
    private readonly config: AppConfig,
    private readonly calls: CallLedger,
  ) {}

  /**
   * The offer reaches the person as soon as its durable timeout exists; telling the console and
   * recording the step follow. `username` saves a look-up when routing already read it, and
   * `presence` (the person as the claim left them) a read-back: it is announced before the
   * offer goes out, so no console sees `offered` after the person's accept made them busy.
   */
  async deliver(
    call: RoutableCall,
    staffId: string,
    offerId: string,
    username?: string,
    presence?: PresenceRow,
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
    if (presence) this.presence.publish(presence);
    this.publisher.toRooms(rooms.user(staffId), 'offer', {
      offerId,
      kind: 'call',
      item,
      dossier,
      expiresAt,
    });
    await Promise.all([
      presence ? null : this.presence.announce(staffId),
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

  /** Withdraws the call's pending offers (but `except`'s) and tells their people. */
  async withdraw(callId: string, reason: string, except: string | null = null): Promise<string[]> {
    const rows = await this.offers.withdrawForCall(callId, except);
    await this.notifyWithdrawn(callId, rows, reason);
    return rows.map((r) => r.staff_id);
  }

  async notifyWithdrawn(
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
      if (row.presence) this.presence.publish(row.presence);
      else await this.presence.announce(row.staff_id);
    }
  }

  /** Revoked as taken by someone else in the same ring group. */
  revokeTaken(callId: string, staffIds: readonly string[]): void {
    for (const staffId of staffIds)
      this.publisher.toRooms(rooms.user(staffId), 'offer.revoked', {
        offerId: null,
        itemId: callId,
        reason: 'taken',
      });
  }

  revokeExpired(callId: string, staffId: string, offerId: string): void {
    this.publisher.toRooms(rooms.user(staffId), 'offer.revoked', {
      offerId,
      itemId: callId,
      reason: 'expired',
    });
  }

  async agent(userId: string): Promise<StepAgent | null> {
    const username = await this.offers.username(this.offers.reader(), userId);
    return username === null ? null : { id: userId, username };
  }
}
