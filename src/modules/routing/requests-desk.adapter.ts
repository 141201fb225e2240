import { MikroORM, RequestContext } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DossierService } from '@/modules/calls/dossier.service';
import { RequestsService } from '@/modules/requests/requests.service';
import {
  OfferedRequest,
  RequestDesk,
  RequestOfferItem,
  TakenRequest,
} from '@/modules/routing/routing.ports';

/** Routing's view of the requests feature; like the calls ledger, each use gets its own context. */
@Injectable()
export class RequestsDeskAdapter extends RequestDesk {
  constructor(
    private readonly orm: MikroORM,
    private readonly requests: RequestsService,
    private readonly dossiers: DossierService,
  ) {
    super();
  }

  takeOffered(tx: EntityManager, requestId: string, userId: string): Promise<TakenRequest | null> {
    return this.requests.takeOffered(tx, requestId, userId);
  }

  announceTaken(taken: TakenRequest): Promise<void> {
    return this.requests.announceTaken(taken);
  }

  describeForOffer(request: OfferedRequest): Promise<{ item: RequestOfferItem; dossier: unknown }> {
    return RequestContext.create(this.orm.em, async () => {
      const item: RequestOfferItem = {
        id: request.id,
        requestId: request.id,
        number: request.number,
        subject: request.subject,
        channel: request.channel,
        from: request.fromNumber,
        queue: request.queueCode,
        priority: request.priority,
        waitingSince: request.createdAt.toISOString(),
      };
      const dossier = await this.dossiers.forParties(request.id, request.clientId, null);
      return { item, dossier };
    });
  }
}
