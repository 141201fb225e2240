import { Injectable } from '@nestjs/common';
import type { OfferPayload } from '@/modules/routing/dto/offer.dto';
import { OffersRepository } from '@/modules/routing/offers.repository';
import { CallLedger, RequestDesk } from '@/modules/routing/routing.ports';
import { RoutingRepository } from '@/modules/routing/routing.repository';

/**
 * The `offer` events a person's console should be showing now. An offer is pushed once, live;
 * a console that was disconnected when it rang (a network blip, an API restart) asks for these
 * on every connect, so a ringing offer is never lost to a reconnect.
 */
@Injectable()
export class PendingOffersService {
  constructor(
    private readonly offers: OffersRepository,
    private readonly routing: RoutingRepository,
    private readonly calls: CallLedger,
    private readonly desk: RequestDesk,
  ) {}

  async forUser(userId: string): Promise<OfferPayload[]> {
    const pending = await this.offers.pendingFor(userId);
    const payloads = await Promise.all(
      pending.map(async (offer): Promise<OfferPayload | null> => {
        const expiresAt = new Date(offer.expires_at).toISOString();
        if (offer.kind === 'call') {
          const call = await this.routing.loadCall(offer.item_id);
          if (call === null) return null;
          const { item, dossier } = await this.calls.describeForOffer(call);
          return { offerId: offer.id, kind: 'call', item, dossier, expiresAt };
        }
        const request = await this.routing.loadRequest(offer.item_id);
        if (request === null) return null;
        const { item, dossier } = await this.desk.describeForOffer(request);
        return { offerId: offer.id, kind: 'request', item, dossier, expiresAt };
      }),
    );
    return payloads.filter((p): p is OfferPayload => p !== null);
  }
}
