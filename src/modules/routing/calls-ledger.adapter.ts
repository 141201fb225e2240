import { MikroORM, RequestContext } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { CallStepsService } from '@/modules/calls/call-steps.service';
import { DossierService } from '@/modules/calls/dossier.service';
import {
  CallLedger,
  OfferedCall,
  OfferItem,
  RouterCallEvent,
} from '@/modules/routing/routing.ports';

interface PendingEvent {
  callId: string;
  event: RouterCallEvent;
  resolve: (recorded: boolean) => void;
  reject: (err: unknown) => void;
}

/** Enough to coalesce a burst; a telephony batch may be 5,000 events. */
const MAX_BATCH = 500;

/**
 * Routing's view of the calls feature. Routing runs from socket handlers, jobs and event
 * subscriptions, none of which has an HTTP request context, so each batch gets its own.
 *
 * Router steps go straight into the call's log by call id (CallStepsService, not the telephony
 * ingest), one transaction at a time per process: whatever arrives while one is in flight goes
 * into the next, together. Idle, a step is recorded at once; busy, five statements serve many
 * offers instead of each offer paying for its own.
 */
@Injectable()
export class CallsLedgerAdapter extends CallLedger {
  private pending: PendingEvent[] = [];
  private flushing = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly steps: CallStepsService,
    private readonly dossiers: DossierService,
  ) {
    super();
  }

  recordRouterEvent(callId: string, event: RouterCallEvent): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ callId, event, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        await this.recordBatch(this.nextBatch());
      }
    } finally {
      this.flushing = false;
    }
  }

  /** A note is appended per call, so a step with a note goes alone. */
  private nextBatch(): PendingEvent[] {
    const first = this.pending[0];
    if (first.event.note !== undefined) return this.pending.splice(0, 1);
    const end = this.pending.findIndex((p, i) => i >= MAX_BATCH || p.event.note !== undefined);
    return this.pending.splice(0, end === -1 ? this.pending.length : end);
  }

  private async recordBatch(batch: PendingEvent[]): Promise<void> {
    try {
      // Lean SQL only (no ORM context to fork): the outbox reactions it starts get their own.
      const results = await this.steps.record(
        batch.map(({ callId, event: { note, ...step } }) => ({ callId, step, note })),
      );
      batch.forEach((p, i) => {
        const result = results[i];
        if (result instanceof Error) p.reject(result);
        else p.resolve(result === 'accepted');
      });
    } catch (err) {
      // One bad event must not fail the others it happened to share a transaction with.
      if (batch.length === 1) batch[0].reject(err);
      else for (const p of batch) await this.recordBatch([p]);
    }
  }

  describeForOffer(call: OfferedCall): Promise<{ item: OfferItem; dossier: unknown }> {
    return RequestContext.create(this.orm.em, async () => {
      const item: OfferItem = {
        id: call.id,
        callId: call.externalId,
        from: call.fromNumber,
        queue: call.queueCode,
        priority: call.priority,
        waitingSince: (call.queuedAt ?? call.arrivedAt).toISOString(),
      };
      const dossier = await this.dossiers.forParties(call.id, call.clientId, call.contactId);
      return { item, dossier };
    });
  }
}
