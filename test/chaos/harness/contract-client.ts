import type { Socket } from 'socket.io-client';
import { sleep } from '@test/bench/harness/clock';
import { openSocket } from '@test/bench/load/sockets';

/**
 * A socket client that follows the delivery contract (README, "Delivery contract"), the way a
 * console would, across API processes that die and come back:
 * - connects with `auth: {token, since: last}` and, when the connection drops, to the next API
 *   in its list (the one that is up), with the same `since`;
 * - keeps `last` (highest seq shown with no gap before it), drops `seq <= last`, shows
 *   `seq == last + 1` and then any held successors, holds `seq > last + 1`;
 * - when a gap stays open for `GAP_RESYNC_MS`, or the server asks for it, resyncs.
 *
 * Everything the contract says a client must do lives in `receive` and `resync`: when the server
 * gains new delivery events (a `sync` request, a `sync.required` push), this is the one place.
 */
export interface SeqPayload {
  seq: number;
  [key: string]: unknown;
}

export interface ContractClientOptions {
  name: string;
  token: string;
  /** API base URLs; the first is where the client connects first. */
  urls: string[];
  /** Each persisted event exactly once, in seq order; `via` says how it arrived. */
  onShown?: (event: string, payload: SeqPayload, via: ShownVia) => void;
  /** Events without a seq (offers, staff changes, …) as they arrive. */
  onLive?: (event: string, payload: unknown) => void;
  /** The client asked for missed events: a gap stayed open, or the server said so. */
  onResync?: (reason: 'gap' | 'server') => void;
}

/**
 * How an event reached the client: pushed live, or in the replay of a (re)connection made after a
 * dropped connection (`failover`), a gap that stayed open (`gap-resync`), the server's request
 * (`server-resync`), a return to the client's own API (`rebalance`) or a plain `reconnect`.
 */
export type ShownVia =
  'live' | 'initial' | 'failover' | 'gap-resync' | 'server-resync' | 'rebalance' | 'reconnect';

export interface ContractClientStats {
  connects: number;
  disconnects: number;
  connectErrors: number;
  /** Connections opened on another API than the previous one. */
  failovers: number;
  /** A gap stayed open for GAP_RESYNC_MS: the client asked for the missing events. */
  gapResyncs: number;
  /** The server told the client to resync (`sync.required` or equivalent). */
  serverResyncs: number;
  /** Events dropped because their seq was already shown (replay overlap, duplicates). */
  duplicateSeqsDropped: number;
  /** Events shown (after de-duplication, in order). */
  shown: number;
  /** Events shown that arrived in a replay (between connect and `sync.done`). */
  replayed: number;
  truncatedReplays: number;
}

/** "A few seconds" of the contract: how long a gap may stay open before the client resyncs. */
export const GAP_RESYNC_MS = 3000;
/** Server→client events that ask the client to resync (none exist today; see realtime.events.ts). */
const RESYNC_EVENTS = new Set(['sync.required', 'sync.resync']);
/** Client→server request for the missing events, if the server has one; else reconnect. */
const SYNC_REQUEST_EVENT = 'sync';

type Ack = { ok: true; data: unknown } | { ok: false; error: { code: string; message?: string } };

export class ContractClient {
  last = 0;
  readonly stats: ContractClientStats = {
    connects: 0,
    disconnects: 0,
    connectErrors: 0,
    failovers: 0,
    gapResyncs: 0,
    serverResyncs: 0,
    duplicateSeqsDropped: 0,
    shown: 0,
    replayed: 0,
    truncatedReplays: 0,
  };
  private socket: Socket | null = null;
  private urlIndex = 0;
  private lastUrlIndex = -1;
  private readonly held = new Map<number, { event: string; payload: SeqPayload }>();
  private gapTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private inReplay = false;
  /** Why the current connection (or sync request) was made: what its replay counts as. */
  private replayReason: ShownVia = 'initial';
  /** Set while the answer to a `sync` request is arriving on the live connection. */
  private syncRequestReason: ShownVia | null = null;
  private syncRequestSupported: boolean | null = null;
  private readyWaiters: (() => void)[] = [];
  private sessionReady = false;
  /** When each connection became ready (`session.ready`) and when it ended, for the report. */
  readonly sessions: { from: number; to: number | null; url: string }[] = [];

  constructor(readonly options: ContractClientOptions) {}

  get connected(): boolean {
    return this.sessionReady && this.socket?.connected === true;
  }

  get url(): string {
    return this.options.urls[this.urlIndex];
  }

  /** Connects and waits for the first `sync.done`. */
  async start(timeoutMs = 20_000): Promise<void> {
    this.open();
    if (!(await this.whenReady(timeoutMs))) {
      throw new Error(`${this.options.name}: not connected within ${timeoutMs} ms`);
    }
  }

  /** Resolves true once connected and synced (now or later), false after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.connected && !this.inReplay) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.readyWaiters.push(done);
    });
  }

  /**
   * Emits with an acknowledgement on the current connection, waiting for one if there is none.
   * Rejects on timeout (the caller decides whether to resend).
   */
  async emitWithAck<T = unknown>(event: string, payload: unknown, timeoutMs: number): Promise<T> {
    const started = Date.now();
    if (!(await this.whenReady(timeoutMs)) || !this.socket) {
      throw new Error('not connected');
    }
    const left = Math.max(100, timeoutMs - (Date.now() - started));
    return (await this.socket.timeout(left).emitWithAck(event, payload)) as T;
  }

  private open(): void {
    if (this.closed) return;
    this.sessionReady = false;
    const socket = openSocket(this.url, { token: this.options.token, since: this.last }, 5000);
    this.socket = socket;
    socket.onAny((event: string, payload: unknown) => {
      if (socket === this.socket) this.receive(event, payload);
    });
    socket.on('connect', () => {
      if (socket !== this.socket) return;
      this.stats.connects += 1;
      if (this.lastUrlIndex !== -1 && this.lastUrlIndex !== this.urlIndex)
        this.stats.failovers += 1;
      this.lastUrlIndex = this.urlIndex;
      this.inReplay = true;
    });
    socket.on('connect_error', () => {
      if (socket !== this.socket) return;
      this.stats.connectErrors += 1;
      this.scheduleReconnect(true);
    });
    socket.on('disconnect', (reason: string) => {
      if (socket !== this.socket) return;
      this.endSession();
      this.sessionReady = false;
      if (reason === 'io client disconnect') return;
      this.stats.disconnects += 1;
      // The server went away (or dropped us): the next API in the list is the likelier to be up.
      this.scheduleReconnect(reason !== 'io server disconnect');
    });
  }

  private scheduleReconnect(nextUrl: boolean): void {
    if (this.closed || this.reconnectTimer) return;
    if (nextUrl) this.urlIndex = (this.urlIndex + 1) % this.options.urls.length;
    this.replayReason = 'failover';
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.endSession();
      this.socket?.removeAllListeners();
      this.socket?.disconnect();
      this.open();
    }, 300);
  }

  private endSession(): void {
    const current = this.sessions[this.sessions.length - 1];
    if (current && current.to === null) current.to = Date.now();
  }

  /** Whether a connection was ready at `at` (events sent to the person then could reach it). */
  connectedAt(at: number): boolean {
    return this.sessions.some((s) => s.from <= at && (s.to === null || at < s.to));
  }

  /** The delivery contract, for every event the server sends. */
  private receive(event: string, payload: unknown): void {
    if (event === 'session.ready') {
      this.sessionReady = true;
      this.sessions.push({ from: Date.now(), to: null, url: this.url });
      return;
    }
    if (event === 'sync.done') {
      const done = payload as { truncated?: boolean };
      if (done.truncated) this.stats.truncatedReplays += 1;
      this.inReplay = false;
      this.syncRequestReason = null;
      for (const waiter of this.readyWaiters.splice(0)) waiter();
      return;
    }
    if (RESYNC_EVENTS.has(event)) {
      this.stats.serverResyncs += 1;
      this.options.onResync?.('server');
      void this.resync('server-resync');
      return;
    }
    const seq = (payload as { seq?: unknown } | null)?.seq;
    if (typeof seq !== 'number') {
      this.options.onLive?.(event, payload);
      return;
    }
    if (seq <= this.last || this.held.has(seq)) {
      this.stats.duplicateSeqsDropped += 1;
      return;
    }
    this.held.set(seq, { event, payload: payload as SeqPayload });
    let next = this.held.get(this.last + 1);
    while (next) {
      this.held.delete(this.last + 1);
      this.last += 1;
      this.stats.shown += 1;
      if (this.inReplay) this.stats.replayed += 1;
      this.options.onShown?.(next.event, next.payload, this.via());
      next = this.held.get(this.last + 1);
    }
    this.armGapTimer();
  }

  private via(): ShownVia {
    if (this.inReplay) return this.replayReason;
    return this.syncRequestReason ?? 'live';
  }

  private armGapTimer(): void {
    if (this.held.size === 0) {
      if (this.gapTimer) clearTimeout(this.gapTimer);
      this.gapTimer = null;
      return;
    }
    if (this.gapTimer) return;
    const lastWhenArmed = this.last;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.held.size === 0) return;
      if (this.last === lastWhenArmed) {
        this.stats.gapResyncs += 1;
        this.options.onResync?.('gap');
        void this.resync('gap-resync');
      } else {
        this.armGapTimer();
      }
    }, GAP_RESYNC_MS);
  }

  /**
   * Asks for everything after `last`: with the server's sync request when it has one, else by
   * reconnecting with `since = last` (what the contract of today says).
   */
  async resync(reason: 'gap-resync' | 'server-resync'): Promise<void> {
    if (this.closed) return;
    if (this.syncRequestSupported !== false && this.socket?.connected) {
      try {
        // The missing events come on this connection, closed by `sync.done` (or assumed done).
        this.syncRequestReason = reason;
        const ack = await this.emitWithAck<Ack>(SYNC_REQUEST_EVENT, { since: this.last }, 5000);
        if (ack.ok) {
          this.syncRequestSupported = true;
          setTimeout(() => (this.syncRequestReason = null), GAP_RESYNC_MS).unref();
          return;
        }
        if (ack.error.code === 'UNKNOWN_EVENT') this.syncRequestSupported = false;
      } catch {
        // no answer: fall back to reconnecting
      }
      this.syncRequestReason = null;
    }
    this.reconnect(reason);
  }

  /** Drops the connection and opens a new one on the same API with `since = last`. */
  reconnect(reason: ShownVia = 'reconnect'): void {
    if (this.closed) return;
    this.replayReason = reason;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.endSession();
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.open();
  }

  /**
   * Back to the first API of the list if the client failed over away from it (as a load balancer
   * spreads connections again), so every fault meets traffic that crosses processes.
   */
  rebalance(): boolean {
    if (this.urlIndex === 0 || this.closed) return false;
    this.urlIndex = 0;
    this.reconnect('rebalance');
    return true;
  }

  /** Seqs held behind a gap right now. */
  get heldCount(): number {
    return this.held.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    await sleep(0);
  }
}
