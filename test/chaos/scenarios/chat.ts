import { sleep } from '@test/bench/harness/clock';
import type { ContractClient, SeqPayload, ShownVia } from '@test/chaos/harness/contract-client';
import { isOk } from '@test/chaos/harness/rest';
import { ChaosContext, ChaosUser, increment, SocketAck } from '@test/chaos/scenarios/context';

/** One chat message as its sender and its recipient saw it. */
export interface ChatRecord {
  clientMsgId: string;
  pair: string;
  from: string;
  to: string;
  /** Per sender and room, in sending order (each message is sent after the previous one's ack). */
  n: number;
  phase: string;
  sentAt: number;
  attempts: number;
  ackedAt: number | null;
  messageId: string | null;
  ackErrors: string[];
  /** When the recipient was first shown it, and under which seqs (more than one: shown twice). */
  shownAt: number | null;
  shownSeqs: number[];
  /** How the first showing arrived (live push, or the replay of a failover, gap resync, …). */
  shownVia: ShownVia | null;
  /** Shown only by the diagnostic reconnect at the end, not during the run. */
  shownAfterReconnect: boolean;
  probe: boolean;
}

export interface ChatPair {
  name: string;
  a: { user: ChaosUser; client: ContractClient };
  b: { user: ChaosUser; client: ContractClient };
  roomId: string;
  probe: boolean;
}

const ACK_TIMEOUT_MS = 2000;
const MAX_ATTEMPTS = 4;
/** Answers worth resending with the same clientMsgId; anything else is final. */
const RETRYABLE = new Set(['RATE_LIMITED', 'INTERNAL', 'SERVICE_UNAVAILABLE', 'TIMEOUT']);

/**
 * Direct chat between pairs of users, both directions, each sender sending its next message after
 * the previous one was acknowledged (or given up), so acknowledgement order is commit order.
 */
export class ChatScenario {
  readonly messages = new Map<string, ChatRecord>();
  outOfOrder = 0;
  readonly outOfOrderExamples: string[] = [];
  /** Events the recipient was shown for a message id that is not in the ledger (not ours). */
  foreign = 0;
  private readonly lastShownN = new Map<string, number>();
  finalReconnect = false;

  constructor(private readonly ctx: ChaosContext) {}

  static async createRoom(ctx: ChaosContext, a: ChaosUser, b: ChaosUser): Promise<string> {
    const res = await ctx.rest.call<{ id: string }>('POST', '/api/chat/rooms', 'setup', {
      token: a.token,
      body: { kind: 'direct', memberIds: [b.id] },
    });
    if (!isOk(res.outcome) || !res.body) {
      throw new Error(
        `creating a direct room answered ${res.outcome}: ${JSON.stringify(res.body)}`,
      );
    }
    return res.body.id;
  }

  /** Called for every event a user's client shows (in seq order, once per seq). */
  onShown(userId: string, event: string, payload: SeqPayload, via: ShownVia): void {
    if (event !== 'chat.message') return;
    const record = this.messages.get(String(payload.clientMsgId));
    if (!record) {
      this.foreign += 1;
      return;
    }
    if (record.to !== userId) return; // the sender's own copy
    record.shownSeqs.push(payload.seq);
    if (record.shownAt === null) {
      record.shownAt = Date.now();
      record.shownVia = via;
      record.shownAfterReconnect = this.finalReconnect;
    }
    const key = `${record.pair}:${record.from}`;
    const last = this.lastShownN.get(key) ?? -1;
    if (record.n < last) {
      this.outOfOrder += 1;
      if (this.outOfOrderExamples.length < 5) {
        this.outOfOrderExamples.push(`${record.clientMsgId} shown after #${last}`);
      }
    } else {
      this.lastShownN.set(key, record.n);
    }
  }

  /** Sends from one side of a pair until stopped, `max` messages at most. */
  async sendLoop(pair: ChatPair, side: 'a' | 'b', intervalMs: number, max: number): Promise<void> {
    for (let n = 0; n < max && !this.ctx.stopping() && Date.now() < this.ctx.deadline; n++) {
      await this.sendOne(pair, side, n);
      await sleep(intervalMs);
    }
  }

  /** One message from one side of a pair, resent with the same clientMsgId until acknowledged. */
  async sendOne(pair: ChatPair, side: 'a' | 'b', n: number): Promise<ChatRecord> {
    const sender = pair[side];
    const recipient = pair[side === 'a' ? 'b' : 'a'];
    const record: ChatRecord = {
      clientMsgId: `${this.ctx.tag}-${pair.name}-${side}-${n}`,
      pair: pair.name,
      from: sender.user.id,
      to: recipient.user.id,
      n,
      phase: this.ctx.timeline.phase,
      sentAt: Date.now(),
      attempts: 0,
      ackedAt: null,
      messageId: null,
      ackErrors: [],
      shownAt: null,
      shownSeqs: [],
      shownVia: null,
      shownAfterReconnect: false,
      probe: pair.probe,
    };
    this.messages.set(record.clientMsgId, record);
    await this.send(pair, sender.client, record);
    return record;
  }

  private async send(pair: ChatPair, client: ContractClient, record: ChatRecord): Promise<void> {
    const payload = {
      roomId: pair.roomId,
      clientMsgId: record.clientMsgId,
      text: record.clientMsgId,
    };
    while (record.attempts < MAX_ATTEMPTS && Date.now() < this.ctx.deadline) {
      record.attempts += 1;
      let code: string;
      try {
        const ack = await client.emitWithAck<SocketAck<{ id: string }>>(
          'chat.send',
          payload,
          ACK_TIMEOUT_MS,
        );
        if (ack.ok) {
          record.ackedAt = Date.now();
          record.messageId = ack.data.id;
          return;
        }
        code = ack.error.code;
      } catch {
        code = 'TIMEOUT';
      }
      record.ackErrors.push(code);
      if (!RETRYABLE.has(code)) return;
      await sleep(400);
    }
  }

  /** Ack error codes over all attempts. */
  ackErrorCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.messages.values()) for (const code of r.ackErrors) increment(counts, code);
    return counts;
  }
}
