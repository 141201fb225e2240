import { MikroORM, RequestContext } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Call } from '@/modules/calls/entities/call.entity';
import { CallsService } from '@/modules/calls/calls.service';
import { DossierService } from '@/modules/calls/dossier.service';
import { CallLedger, OfferItem, RouterCallEvent } from '@/modules/routing/routing.ports';

/**
 * Routing's view of the calls feature. Routing runs from socket handlers, jobs and event
 * subscriptions, none of which has an HTTP request context, so each call gets its own.
 */
@Injectable()
export class CallsLedgerAdapter extends CallLedger {
  constructor(
    private readonly orm: MikroORM,
    private readonly calls: CallsService,
    private readonly dossiers: DossierService,
  ) {
    super();
  }

  recordRouterEvent(callId: string, { note, ...event }: RouterCallEvent): Promise<boolean> {
    return RequestContext.create(this.orm.em, async () => {
      const [status] = await this.calls.appendEvents(callId, [event], { note });
      return status === 'accepted';
    });
  }

  describeForOffer(callId: string): Promise<{ item: OfferItem; dossier: unknown }> {
    return RequestContext.create(this.orm.em, async () => {
      const call = await this.orm.em.findOneOrFail(Call, { id: callId });
      const item: OfferItem = {
        id: call.id,
        callId: call.externalId,
        from: call.fromNumber,
        queue: call.queueCode,
        priority: call.priority,
        waitingSince: (call.queuedAt ?? call.arrivedAt).toISOString(),
      };
      return { item, dossier: await this.dossiers.forCall(call) };
    });
  }
}
