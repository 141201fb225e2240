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

/** Steps of different calls recorded side by side (one pooled connection each). */
const PARALLEL_STEPS = 4;

/**
 * Routing's view of the calls feature. Routing runs from socket handlers, jobs and event
 * subscriptions, none of which has an HTTP request context, so each batch gets its own.
 *
 * Router steps go straight into the call's log by call id (CallStepsService, not the telephony
 * ingest). Idle, a step is recorded at once, in one statement when it is its call's latest event
 * on a row in hand. In a burst, the steps waiting at the head of the line go up to
 * PARALLEL_STEPS at a time, of different calls, each its own statement on its own connection, so
 * a burst does not wait for one statement after another; steps of one call stay in order.
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
        await Promise.all(this.nextGroup().map((p) => this.recordBatch([p])));
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The head of the line up to PARALLEL_STEPS steps, stopping before a call's second step. */
  private nextGroup(): PendingEvent[] {
    const calls = new Set<string>();
    let end = 0;
    while (end < this.pending.length && end < PARALLEL_STEPS) {
      const { callId } = this.pending[end];
      if (calls.has(callId)) break;
      calls.add(callId);
      end++;
    }
    return this.pending.splice(0, end);
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
