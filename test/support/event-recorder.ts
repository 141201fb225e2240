import type { Socket } from 'socket.io-client';
import { connectSocket } from '@test/support/test-app';

export interface Recorded {
  name: string;
  payload: Record<string, unknown>;
}

/**
 * A socket that records every event it receives from the moment it is created (replayed events
 * arrive right after connect), with helpers to wait for one and to read the persisted ones.
 */
export class EventRecorder {
  readonly events: Recorded[] = [];
  readonly socket: Socket;

  constructor(url: string, auth: Record<string, unknown>) {
    this.socket = connectSocket(url, auth);
    this.socket.onAny((name: string, payload: Record<string, unknown>) => {
      this.events.push({ name, payload });
    });
  }

  /** Resolves with the sync.done payload once the server has finished its replay. */
  async synced(
    timeoutMs = 10_000,
  ): Promise<{ lastSeq: number; replayed: number; truncated: boolean }> {
    const done = await this.waitFor((e) => e.name === 'sync.done', timeoutMs);
    return done.payload as { lastSeq: number; replayed: number; truncated: boolean };
  }

  async waitFor(match: (e: Recorded) => boolean, timeoutMs = 10_000): Promise<Recorded> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `event not received; got ${JSON.stringify(this.events.map((e) => e.name))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The persisted events (those with a seq), in the order received. */
  persisted(): (Recorded & { seq: number })[] {
    return this.events
      .filter((e) => typeof e.payload?.seq === 'number')
      .map((e) => ({ ...e, seq: e.payload.seq as number }));
  }

  ack<T>(event: string, payload: unknown): Promise<T> {
    return this.socket.timeout(5000).emitWithAck(event, payload) as Promise<T>;
  }

  close(): void {
    this.socket.disconnect();
  }
}

export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (v: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
