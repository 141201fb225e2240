import { io, type Socket } from 'socket.io-client';
import { ApiError } from '@web/api/http';
import { session } from '@web/api/session';
import {
  CALL_DELTA_EVENTS,
  PERSISTED_EVENTS,
  type Ack,
  type ClientToServerEvents,
  type PersistedEvent,
  type PersistedEventName,
  type ServerToClientEvents,
} from '@web/api/types';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';

type ServerEvent = keyof ServerToClientEvents;
type PayloadOf<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];
type ClientEvent = keyof ClientToServerEvents;
type ArgsOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>;
type AckDataOf<E extends ClientEvent> =
  Parameters<ArgsOf<E>[1]>[0] extends Ack<infer T> ? T : never;

/** Also fired by the client itself: the server purged events we never saw; reload over REST. */
export interface LocalEvents {
  resync: () => void;
  /** Every (re)connect once the replay is over: time to refresh anything not replayed. */
  synced: () => void;
}
type AnyEvent = ServerEvent | keyof LocalEvents;
type Handler = (payload: never) => void;

const LIVE_EVENTS = [
  'session.ready',
  'staff.changed',
  'offer',
  'offer.revoked',
  'queue.snapshot',
  'notifications.unread',
  'chat.typing',
  'presence.changed',
  'request.changed',
  'planner.changed',
  'stats.live',
  'stats.threshold',
  'routing.alert',
  ...CALL_DELTA_EVENTS,
] as const satisfies readonly ServerEvent[];

/** How long a gap in seqs may stay open before we reconnect and ask for the replay again. */
const GAP_TIMEOUT_MS = 3000;
const ACK_TIMEOUT_MS = 8000;
const SESSION_OVER = new Set(['TOKEN_EXPIRED', 'UNAUTHENTICATED']);

/**
 * The socket with the delivery contract (README "Delivery contract"): it keeps `last`, the
 * highest seq processed with nothing missing before it, sends it as `since` on every connect,
 * drops what it has seen, holds what is ahead of a gap, and reconnects when a gap stays open.
 * Pages subscribe to events here and never see a duplicate.
 */
export class RealtimeClient {
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  private last: number | null = null;
  private held = new Map<number, { name: PersistedEventName; payload: PersistedEvent }>();
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  private handlers = new Map<AnyEvent, Set<Handler>>();
  private stateListeners = new Set<() => void>();
  private seqKey = '';
  state: ConnectionState = 'offline';

  start(userId: string): void {
    this.stop();
    this.seqKey = `switchboard.seq.${userId}`;
    const stored = sessionStorage.getItem(this.seqKey);
    this.last = stored === null ? null : Number(stored);
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      transports: ['websocket'],
      // A function, so each reconnect sends the seq we have reached by then.
      auth: (cb) =>
        cb({ token: session.token(), ...(this.last === null ? {} : { since: this.last }) }),
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    this.socket = socket;
    this.setState('connecting');
    socket.on('connect', () => this.setState('online'));
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      this.setState('reconnecting');
      // The server hung up on purpose (a failed replay): socket.io does not retry that by itself.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      const code = err.data?.code ?? err.message;
      if (SESSION_OVER.has(code)) {
        this.stop();
        session.end('expired');
        return;
      }
      this.setState('reconnecting');
    });
    for (const name of PERSISTED_EVENTS) {
      socket.on(name, (payload: PersistedEvent) => this.ingest(name, payload));
    }
    for (const name of LIVE_EVENTS) {
      socket.on(name, ((payload: never) => this.dispatch(name, payload)) as never);
    }
    socket.on('sync.done', (done) => {
      if (this.last === null || done.truncated) this.advanceTo(done.lastSeq);
      this.flushHeld();
      this.dispatch('sync.done', done as never);
      if (done.truncated) this.dispatch('resync', undefined as never);
      this.dispatch('synced', undefined as never);
    });
  }

  stop(): void {
    if (this.gapTimer !== null) clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.held.clear();
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.setState('offline');
  }

  /** The highest seq processed with no gap before it (null before the first sync). */
  get lastSeq(): number | null {
    return this.last;
  }

  on<E extends AnyEvent>(
    name: E,
    handler: E extends ServerEvent
      ? (payload: PayloadOf<E>) => void
      : E extends keyof LocalEvents
        ? LocalEvents[E]
        : never,
  ): () => void {
    let set = this.handlers.get(name);
    if (set === undefined) this.handlers.set(name, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  onState(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Sends a client→server event; resolves with the ack's data, rejects with an ApiError. */
  async send<E extends ClientEvent>(name: E, payload: ArgsOf<E>[0]): Promise<AckDataOf<E>> {
    const socket = this.socket;
    if (socket === null || !socket.connected) {
      throw new ApiError(0, 'NETWORK', 'not connected');
    }
    let res: Ack<AckDataOf<E>>;
    try {
      // socket.io's typings cannot follow a generic event name through emitWithAck.
      const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
        emitWithAck(event: E, payload: ArgsOf<E>[0]): Promise<Ack<AckDataOf<E>>>;
      };
      res = await timed.emitWithAck(name, payload);
    } catch {
      throw new ApiError(0, 'TIMEOUT', 'no answer from the server');
    }
    if (!res.ok) throw new ApiError(0, res.error.code, res.error.message, res.error.field);
    return res.data;
  }

  private ingest(name: PersistedEventName, payload: PersistedEvent): void {
    const seq = payload.seq;
    if (this.last === null) {
      // Before the first sync.done we do not know where we start: hold until it tells us.
      this.held.set(seq, { name, payload });
      return;
    }
    if (seq <= this.last) return;
    if (seq === this.last + 1) {
      this.advanceTo(seq);
      this.dispatch(name, payload as never);
      this.flushHeld();
      return;
    }
    this.held.set(seq, { name, payload });
    this.watchGap();
  }

  private flushHeld(): void {
    if (this.last === null) return;
    for (const seq of [...this.held.keys()].sort((a, b) => a - b)) {
      if (seq <= this.last) {
        this.held.delete(seq);
        continue;
      }
      if (seq !== this.last + 1) break;
      const { name, payload } = this.held.get(seq)!;
      this.held.delete(seq);
      this.advanceTo(seq);
      this.dispatch(name, payload as never);
    }
    if (this.held.size === 0 && this.gapTimer !== null) {
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
    }
  }

  private watchGap(): void {
    if (this.gapTimer !== null) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.held.size === 0 || this.socket === null) return;
      // Reconnecting sends since = last, and the server replays what we are missing.
      this.socket.disconnect();
      this.setState('reconnecting');
      this.socket.connect();
    }, GAP_TIMEOUT_MS);
  }

  private advanceTo(seq: number): void {
    this.last = seq;
    sessionStorage.setItem(this.seqKey, String(seq));
  }

  private dispatch(name: AnyEvent, payload: never): void {
    this.handlers.get(name)?.forEach((handler) => {
      try {
        handler(payload);
      } catch (err) {
        console.error(`handler for ${name} failed`, err);
      }
    });
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.stateListeners.forEach((l) => l());
  }
}

export const realtime = new RealtimeClient();
