import type { ServerToClientEvents } from '@/realtime/realtime.events';

/** Sent once per connection after the replay: from here on, events are live. */
export interface SyncDoneEvent {
  /** The `since` the client sent, or null when it sent none (nothing was replayed). */
  since: number | null;
  /** The newest seq of this user at the end of the replay; the client's next `since`. */
  lastSeq: number;
  replayed: number;
  /**
   * True when events after `since` were already purged (older than the retention), or when
   * `since` is ahead of the server's `lastSeq` (its data restored from an earlier backup): the
   * client reloads what it shows over REST and goes on from `lastSeq`.
   */
  truncated: boolean;
}

/**
 * The server may have failed to deliver live events to this socket (its process's Redis
 * subscription was re-established, or a publish was lost): answer with `sync {since: last}`.
 */
export interface SyncRequiredEvent {
  reason: 'redis-reconnected' | 'publish-lost';
}

type PayloadOf<N extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[N]>[0];

/** The socket events that are persisted per user: exactly those whose payload carries a seq. */
export type UserEventName = {
  [N in keyof ServerToClientEvents]: PayloadOf<N> extends { seq: number } ? N : never;
}[keyof ServerToClientEvents];

/** One user event before it has a seq: the payload without it. */
export type UserEventInput = {
  [N in UserEventName]: { userId: string; name: N; payload: Omit<PayloadOf<N>, 'seq'> };
}[UserEventName];

/** One stored user event, as replayed and as pushed live (seq at the top of the payload). */
export interface StoredUserEvent {
  userId: string;
  seq: number;
  name: UserEventName;
  payload: { seq: number } & Record<string, unknown>;
}

/** `sync` from the client: the last seq it processed with no gap before it. */
export interface SyncRequest {
  since: number;
}
