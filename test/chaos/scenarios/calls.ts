import { sleep } from '@test/bench/harness/clock';
import type { ContractClient } from '@test/chaos/harness/contract-client';
import { isOk } from '@test/chaos/harness/rest';
import { ChaosContext, ChaosUser, increment, SocketAck } from '@test/chaos/scenarios/context';

/** One telephony call as the connector and the agents saw it. */
export interface CallRecord {
  callId: string;
  n: number;
  phase: string;
  sentAt: number;
  attempts: number;
  /** The ingest answered the `arrived` event `accepted` or `duplicate`. */
  ackedAt: number | null;
  outcomes: string[];
  /** Offers that reached an agent's socket. */
  offers: { agent: string; offerId: string; at: number }[];
  /** Agents whose `offer.accept` was answered ok (more than one: answered twice). */
  acceptedBy: string[];
  acceptErrors: string[];
  endedAt: number | null;
  endOutcomes: string[];
}

interface OfferEvent {
  offerId: string;
  kind: string;
  item?: { id?: string; callId?: string };
}

export interface Agent {
  user: ChaosUser;
  client: ContractClient;
}

/** Like the AMI connector, which retries a refused or unanswered event every second. */
const EVENT_ATTEMPTS = 30;

interface TelephonyAnswer {
  results?: { status?: string; reason?: string }[];
}

/**
 * Calls arriving through `POST /api/telephony/events` (the connector retries an event until the
 * ingest takes it, with the same event id), and agents whose consoles accept every offer, talk
 * for `holdMs` and hang up (an `ended` event).
 */
export class CallsScenario {
  readonly calls = new Map<string, CallRecord>();
  /** Offer ids each agent's socket received (to find offers that never reached anyone). */
  readonly offersSeen = new Set<string>();
  duplicateOffers = 0;
  revoked: Record<string, number> = {};
  /** Agents put on break by the server (no-answer) during the run; they went available again. */
  breaks = 0;
  statusErrors: Record<string, number> = {};
  /** Accepts whose acknowledgement never came, found to have gone through by `GET /api/me/status`. */
  acceptsConfirmedByStatus = 0;

  constructor(
    private readonly ctx: ChaosContext,
    private readonly spec: {
      apiKey: string;
      lineCode: string;
      queueCode: string;
      holdMs: number;
    },
  ) {}

  /** Live (seq-less) events of one agent's socket. */
  onLive(agent: Agent, event: string, payload: unknown): void {
    if (event === 'offer') {
      this.onOffer(agent, payload as OfferEvent);
    } else if (event === 'offer.revoked') {
      increment(this.revoked, String((payload as { reason?: string }).reason));
    } else if (event === 'staff.changed') {
      const p = payload as { userId?: string; status?: string };
      if (p.userId === agent.user.id && p.status === 'break') {
        this.breaks += 1;
        void this.backToWork(agent);
      }
    }
  }

  /** A person put on break because offers went unanswered comes back, as a real agent would. */
  private async backToWork(agent: Agent): Promise<void> {
    await sleep(1000);
    await this.setAvailable(agent);
  }

  async setAvailable(agent: Agent): Promise<boolean> {
    for (let attempt = 0; attempt < 5 && Date.now() < this.ctx.deadline; attempt++) {
      try {
        const ack = await agent.client.emitWithAck<SocketAck>(
          'staff.status',
          { status: 'available' },
          3000,
        );
        if (ack.ok) return true;
        increment(this.statusErrors, ack.error.code);
      } catch {
        increment(this.statusErrors, 'TIMEOUT');
      }
      await sleep(1000);
    }
    return false;
  }

  private onOffer(agent: Agent, payload: OfferEvent): void {
    if (payload.kind !== 'call') return;
    if (this.offersSeen.has(payload.offerId)) {
      this.duplicateOffers += 1;
      return;
    }
    this.offersSeen.add(payload.offerId);
    const record = this.calls.get(payload.item?.callId ?? '');
    record?.offers.push({ agent: agent.user.id, offerId: payload.offerId, at: Date.now() });
    void this.accept(agent, payload, record);
  }

  private async accept(agent: Agent, offer: OfferEvent, record: CallRecord | undefined) {
    let code: string;
    try {
      const ack = await agent.client.emitWithAck<SocketAck>(
        'offer.accept',
        { offerId: offer.offerId },
        5000,
      );
      if (ack.ok) return this.answered(agent, record);
      code = ack.error.code;
    } catch {
      // No answer: the process may have died before or after taking it. A console asks.
      if (await this.holdsCall(agent, offer.item?.id)) {
        this.acceptsConfirmedByStatus += 1;
        return this.answered(agent, record);
      }
      code = 'TIMEOUT';
    }
    record?.acceptErrors.push(code);
  }

  private answered(agent: Agent, record: CallRecord | undefined): void {
    record?.acceptedBy.push(agent.user.id);
    if (record) setTimeout(() => void this.hangUp(record), this.spec.holdMs);
  }

  /** `GET /api/me/status`: is this person busy on this call (their accept went through)? */
  private async holdsCall(agent: Agent, callRowId: string | undefined): Promise<boolean> {
    if (!callRowId) return false;
    for (let attempt = 0; attempt < 5 && Date.now() < this.ctx.deadline; attempt++) {
      const res = await this.ctx.rest.call<{ state?: string; currentCallId?: string | null }>(
        'GET',
        '/api/me/status',
        'status',
        { token: agent.user.token },
      );
      if (isOk(res.outcome)) return res.body?.currentCallId === callRowId;
      await sleep(1000);
    }
    return false;
  }

  private async hangUp(record: CallRecord): Promise<void> {
    const event = {
      id: `${record.callId}-ended`,
      callId: record.callId,
      type: 'ended',
      at: new Date().toISOString(),
      line: this.spec.lineCode,
      from: this.caller(record.n),
    };
    if (await this.post(event, record.endOutcomes, record.n)) record.endedAt = Date.now();
  }

  private caller(n: number): string {
    return `+1203${String(5_000_000 + n).padStart(7, '0')}`;
  }

  /** Posts one event until the ingest takes it (bounded); true when it did. */
  private async post(event: Record<string, unknown>, outcomes: string[], n: number) {
    for (let attempt = 0; attempt < EVENT_ATTEMPTS && Date.now() < this.ctx.deadline; attempt++) {
      const res = await this.ctx.rest.call<TelephonyAnswer>(
        'POST',
        '/api/telephony/events',
        'telephony',
        {
          apiKey: this.spec.apiKey,
          body: [event],
          prefer: n % this.ctx.urls.length,
        },
      );
      const status = res.body?.results?.[0]?.status;
      outcomes.push(isOk(res.outcome) ? String(status) : String(res.outcome));
      if (isOk(res.outcome) && (status === 'accepted' || status === 'duplicate')) return true;
      if (isOk(res.outcome)) return false; // rejected: resending will not help
      await sleep(1000);
    }
    return false;
  }

  /** One new call every `intervalMs` until stopped, `max` at most; waits for the posts. */
  async arrivals(intervalMs: number, max: number): Promise<void> {
    const pending: Promise<void>[] = [];
    for (let n = 0; n < max && !this.ctx.stopping() && Date.now() < this.ctx.deadline; n++) {
      const record: CallRecord = {
        callId: `${this.ctx.tag}-call-${n}`,
        n,
        phase: this.ctx.timeline.phase,
        sentAt: Date.now(),
        attempts: 0,
        ackedAt: null,
        outcomes: [],
        offers: [],
        acceptedBy: [],
        acceptErrors: [],
        endedAt: null,
        endOutcomes: [],
      };
      this.calls.set(record.callId, record);
      const event = {
        id: `${record.callId}-arrived`,
        callId: record.callId,
        type: 'arrived',
        at: new Date().toISOString(),
        line: this.spec.lineCode,
        from: this.caller(n),
        to: '+12035550100',
        queue: this.spec.queueCode,
      };
      pending.push(
        this.post(event, record.outcomes, n).then((ok) => {
          record.attempts = record.outcomes.length;
          if (ok) record.ackedAt = Date.now();
        }),
      );
      await sleep(intervalMs);
    }
    await Promise.all(pending);
  }
}
