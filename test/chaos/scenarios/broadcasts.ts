import { sleep } from '@test/bench/harness/clock';
import type { ContractClient, SeqPayload, ShownVia } from '@test/chaos/harness/contract-client';
import { isOk } from '@test/chaos/harness/rest';
import type { HttpOutcome } from '@test/chaos/harness/timeline';
import { ChaosContext, ChaosUser, increment, SocketAck } from '@test/chaos/scenarios/context';

export interface BroadcastRecord {
  n: number;
  text: string;
  phase: string;
  sentAt: number;
  outcome: HttpOutcome;
  /** Set when `POST /api/broadcasts` answered 201. */
  id: string | null;
}

/** What one recipient was shown of one broadcast. */
export interface BroadcastReceipt {
  broadcastId: string;
  userId: string;
  firstShownAt: number;
  shownVia: ShownVia;
  shownAfterReconnect: boolean;
  /** notification id → seqs it was shown under (more than one: shown twice). */
  seqsByNotification: Map<string, number[]>;
  reminders: number;
  acked: boolean;
  ackErrors: string[];
}

/**
 * A supervisor broadcasts to every agent with `requireAck`, one broadcast every `intervalMs`;
 * each recipient acknowledges the broadcast over its socket when it is shown.
 */
export class BroadcastsScenario {
  readonly sent: BroadcastRecord[] = [];
  readonly receipts = new Map<string, BroadcastReceipt>();
  finalReconnect = false;

  constructor(
    private readonly ctx: ChaosContext,
    private readonly sender: ChaosUser,
  ) {}

  onShown(
    user: ChaosUser,
    client: ContractClient,
    event: string,
    payload: SeqPayload,
    via: ShownVia,
  ): void {
    // A reminder round re-surfaces the same notification as `notification.reminded`.
    const reminded = event === 'notification.reminded';
    if ((event !== 'notification.created' && !reminded) || payload.kind !== 'broadcast') return;
    const data = (payload.data ?? {}) as { broadcastId?: string };
    if (!data.broadcastId) return;
    const key = `${data.broadcastId}:${user.id}`;
    let receipt = this.receipts.get(key);
    if (!receipt) {
      receipt = {
        broadcastId: data.broadcastId,
        userId: user.id,
        firstShownAt: Date.now(),
        shownVia: via,
        shownAfterReconnect: this.finalReconnect,
        seqsByNotification: new Map(),
        reminders: 0,
        acked: false,
        ackErrors: [],
      };
      this.receipts.set(key, receipt);
    }
    const id = String(payload.id);
    const seqs = receipt.seqsByNotification.get(id) ?? [];
    seqs.push(payload.seq);
    receipt.seqsByNotification.set(id, seqs);
    if (reminded) receipt.reminders += 1;
    if (!receipt.acked && !this.finalReconnect) void this.ack(client, receipt);
  }

  /** How many recipients were shown the broadcast so far. */
  receiptsOf(broadcastId: string): number {
    let n = 0;
    for (const r of this.receipts.values()) if (r.broadcastId === broadcastId) n += 1;
    return n;
  }

  private async ack(client: ContractClient, receipt: BroadcastReceipt): Promise<void> {
    for (let attempt = 0; attempt < 3 && Date.now() < this.ctx.deadline; attempt++) {
      try {
        const ack = await client.emitWithAck<SocketAck>(
          'broadcast.ack',
          { broadcastId: receipt.broadcastId },
          3000,
        );
        if (ack.ok) {
          receipt.acked = true;
          return;
        }
        receipt.ackErrors.push(ack.error.code);
      } catch {
        receipt.ackErrors.push('TIMEOUT');
      }
      await sleep(1000);
    }
  }

  /** A broadcast every `intervalMs` until stopped, `max` at most; not resent (no idempotency key). */
  async loop(intervalMs: number, max: number): Promise<void> {
    for (let n = 0; n < max && !this.ctx.stopping() && Date.now() < this.ctx.deadline; n++) {
      const record: BroadcastRecord = {
        n,
        text: `${this.ctx.tag} broadcast ${n}`,
        phase: this.ctx.timeline.phase,
        sentAt: Date.now(),
        outcome: 'error',
        id: null,
      };
      this.sent.push(record);
      const res = await this.ctx.rest.call<{ id: string }>('POST', '/api/broadcasts', 'broadcast', {
        token: this.sender.token,
        body: { text: record.text, requireAck: true, roles: ['agent'] },
        prefer: n % this.ctx.urls.length,
        timeoutMs: 8000,
      });
      record.outcome = res.outcome;
      if (isOk(res.outcome) && res.body) record.id = res.body.id;
      await sleep(intervalMs);
    }
  }

  ackErrorCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.receipts.values()) for (const code of r.ackErrors) increment(counts, code);
    return counts;
  }
}
