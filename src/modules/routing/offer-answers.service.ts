import { LeanSql } from '@/database/lean-sql';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import { AppError } from '@/common/errors/app-error';
import { PresenceService } from '@/modules/staff/presence.service';
import { StaffStateRepository } from '@/modules/staff/staff-state.repository';
import { CallOffersService } from '@/modules/routing/call-offers.service';
import { CallRoutingService } from '@/modules/routing/call-routing.service';
import { OffersRepository } from '@/modules/routing/offers.repository';
import { RequestRoutingService } from '@/modules/routing/request-routing.service';
import { CallLedger } from '@/modules/routing/routing.ports';

export interface AnsweredOfferDto {
  offerId: string;
  itemId: string;
}

/**
 * A person's answer to an offer (accept, decline) and the offer's durable timeout, for calls
 * and requests: the offer settles in one transaction with the person's state, then the item
 * moves on to the next person when it still needs one.
 */
@Injectable()
export class OfferAnswersService {
  constructor(
    private readonly sql: LeanSql,
    private readonly offers: OffersRepository,
    private readonly staff: StaffStateRepository,
    private readonly callOffers: CallOffersService,
    private readonly routing: CallRoutingService,
    private readonly requests: RequestRoutingService,
    private readonly presence: PresenceService,
    private readonly config: AppConfig,
    private readonly calls: CallLedger,
  ) {}

  async accept(offerId: string, userId: string): Promise<AnsweredOfferDto> {
    const accepted = await this.offers.acceptCall(offerId, userId);
    if (!accepted) {
      const kind = await this.offers.kindOf(this.sql, offerId, userId);
      if (kind === 'request') return this.requests.accept(offerId, userId);
      throw offerExpired();
    }
    const { callId, username, queueCode, released, presences } = accepted;
    await this.calls.recordRouterEvent(callId, {
      id: `offer-accepted:${offerId}`,
      type: 'answered',
      at: new Date(),
      agent: username === null ? null : { id: userId, username },
      queue: queueCode,
    });
    this.callOffers.revokeTaken(callId, released);
    // The accept's own statement returned the new states: announced without reading them back.
    const known = new Set(presences.map((p) => p.user_id));
    for (const row of presences) this.presence.publish(row);
    await Promise.all(
      [userId, ...released].filter((id) => !known.has(id)).map((id) => this.presence.announce(id)),
    );
    await this.routing.drainAll(released);
    return { offerId, itemId: callId };
  }

  async decline(offerId: string, userId: string): Promise<AnsweredOfferDto> {
    const cooldown = this.config.routing.declineCooldownSeconds;
    const row = await this.sql.transaction(async (tx) => {
      const declined = await this.offers.decline(tx, offerId, userId);
      if (!declined) {
        await this.offers.kindOf(tx, offerId, userId);
        throw offerExpired();
      }
      // Only a call offer made the person `offered`; a request offer left their state alone.
      if (declined.kind === 'call') await this.staff.releaseOffered(tx, [userId], cooldown);
      return declined;
    });
    if (row.kind === 'request') {
      await this.requests.routeRequest(row.item_id, 'declined');
      return { offerId, itemId: row.item_id };
    }
    await this.presence.announce(userId);
    await this.routing.routeCall(row.item_id, 'declined');
    return { offerId, itemId: row.item_id };
  }

  /** Durable timeout: runs in the worker; a no-op when the offer was answered meanwhile. */
  async expireOffer(offerId: string): Promise<void> {
    const breakAfter = this.config.routing.noAnswerBreakAfter;
    const row = await this.sql.transaction(async (tx) => {
      const expired = await this.offers.expire(tx, offerId);
      if (expired?.kind === 'call') await this.staff.noAnswer(tx, expired.staff_id, breakAfter);
      return expired;
    });
    if (!row) return;
    this.callOffers.revokeExpired(row.item_id, row.staff_id, offerId);
    if (row.kind === 'request') {
      await this.requests.routeRequest(row.item_id, 'timeout');
      return;
    }
    await this.presence.announce(row.staff_id);
    await this.routing.routeCall(row.item_id, 'timeout');
  }
}

function offerExpired(): AppError {
  return new AppError('OFFER_EXPIRED', 'This offer has expired or was taken by someone else');
}
