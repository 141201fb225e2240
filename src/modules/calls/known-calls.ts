import { Injectable } from '@nestjs/common';
import type { CallProjection } from '@/modules/calls/call-projection';
import type { StepCallRow } from '@/modules/calls/call-steps.repository';

/** A call's row as this process last wrote it: what a router step's one statement starts from. */
export interface KnownCall {
  row: StepCallRow;
  projection: CallProjection;
  /** The agent code of the call's latest answer (who is on it now). */
  currentAgent: string | null;
}

/** Calls whose last written row is kept; the one written longest ago is forgotten first. */
const MAX_KNOWN = 20_000;

/**
 * The rows this process wrote last (the telephony ingest and the router's steps), so the
 * router's next step on a call can be one statement (CallStepsService.appendLatest). Only a
 * hint: that statement checks under the row's lock that the row is still this one (event count
 * and last event time), and anything else goes the full way.
 */
@Injectable()
export class KnownCalls {
  private readonly calls = new Map<string, KnownCall>();

  get(callId: string): KnownCall | undefined {
    return this.calls.get(callId);
  }

  take(callId: string): KnownCall | undefined {
    const call = this.calls.get(callId);
    this.calls.delete(callId);
    return call;
  }

  remember(call: KnownCall): void {
    this.calls.delete(call.row.id);
    this.calls.set(call.row.id, call);
    if (this.calls.size > MAX_KNOWN) {
      const oldest = this.calls.keys().next();
      if (!oldest.done) this.calls.delete(oldest.value);
    }
  }
}
