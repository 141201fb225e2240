import type { Socket } from 'socket.io-client';
import { connectSocket } from '@test/support/test-app';

export interface Delivered {
  name: string;
  seq: number;
  payload: Record<string, unknown>;
}

/**
 * A client that follows the README's delivery contract to the letter: it keeps the last seq it
 * processed, drops anything at or below it, holds what comes after a gap and asks `sync` from the
 * last seq, and asks `sync` again when the server says `sync.required`. `processed` is what a
 * user would be shown, in the order shown.
 */
export class ContractClient {
  readonly socket: Socket;
  readonly processed: Delivered[] = [];
  /** Every seq-bearing event as it arrived, before the contract sorted it out. */
  readonly arrived: number[] = [];
  readonly syncErrors: unknown[] = [];
  syncRequests = 0;
  syncRequired = 0;
  last: number | null = null;
  private readonly held = new Map<number, Delivered>();
  private syncing = false;
  private syncAgain = false;

  constructor(url: string, token: string, since?: number) {
    this.last = since ?? null;
    this.socket = connectSocket(url, since === undefined ? { token } : { token, since });
    this.socket.onAny((name: string, payload: Record<string, unknown>) => {
      if (name === 'sync.required') {
        this.syncRequired += 1;
        this.requestSync();
      } else if (name === 'sync.done') {
        this.last ??= payload.lastSeq as number;
        this.syncing = false;
        if (this.syncAgain || this.held.size > 0) this.requestSync();
      } else if (typeof payload?.seq === 'number') {
        this.arrived.push(payload.seq);
        this.accept({ name, seq: payload.seq, payload });
      }
    });
  }

  /** Resolves once the handshake's replay is over. */
  ready(timeoutMs = 10_000): Promise<void> {
    return this.until(() => this.last !== null && !this.syncing, timeoutMs);
  }

  async until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) {
        throw new Error(
          `contract client: condition not met; last ${this.last}, processed ${this.processed.length}, held ${[...this.held.keys()].join(',')}, sync errors ${JSON.stringify(this.syncErrors)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.socket.disconnect();
  }

  private accept(event: Delivered): void {
    if (this.last === null || event.seq <= this.last) return;
    if (event.seq > this.last + 1) {
      this.held.set(event.seq, event);
      this.requestSync();
      return;
    }
    this.process(event);
    for (let next = this.held.get(this.last + 1); next; next = this.held.get(this.last + 1)) {
      this.held.delete(next.seq);
      this.process(next);
    }
    for (const seq of this.held.keys()) if (seq <= this.last) this.held.delete(seq);
  }

  private process(event: Delivered): void {
    this.processed.push(event);
    this.last = event.seq;
  }

  private requestSync(): void {
    if (this.last === null) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    this.syncAgain = false;
    this.syncRequests += 1;
    this.socket.emit('sync', { since: this.last }, (res: { ok: boolean; error?: unknown }) => {
      if (!res.ok) {
        this.syncErrors.push(res.error);
        this.syncing = false;
      }
    });
  }
}
