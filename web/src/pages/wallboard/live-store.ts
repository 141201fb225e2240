import { useEffect, useSyncExternalStore } from 'react';
import { realtime } from '@web/api/realtime';
import { supervision } from '@web/api/supervision';
import type { RoutingAlert, StatsLive, StatsThreshold } from '@web/api/supervision-types';

/** One line of the alert feed. */
export type FeedItem =
  | { id: string; at: number; source: 'threshold'; event: StatsThreshold }
  | { id: string; at: number; source: 'routing'; event: RoutingAlert };

export interface LiveState {
  snapshot: StatsLive | null;
  /** Client clock when the snapshot arrived: ticking times count from here, not the server's. */
  receivedAt: number;
  /** Newest first, at most FEED_LIMIT: a TV left on for days must not grow. */
  feed: FeedItem[];
  /** The last fetch failed and no tick has come since. */
  stale: boolean;
}

const FEED_LIMIT = 100;
/** Without a socket tick for this long (admins get none; a restarted server), ask over REST. */
const POLL_MS = 5000;

/**
 * The wallboard's live data: `stats.live` ticks from the supervisors' room, or the same snapshot
 * over REST when none has arrived for a while, so the board heals by itself after a restart and
 * works for admins too; plus the alert feed from `stats.threshold` and `routing.alert`.
 */
class LiveStore {
  private state: LiveState = { snapshot: null, receivedAt: 0, feed: [], stale: false };
  private listeners = new Set<() => void>();
  private users = 0;
  private unsubscribers: (() => void)[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastTick = 0;
  private fetching = false;

  retain(): () => void {
    if (this.users++ === 0) this.start();
    return () => {
      if (--this.users === 0) this.stop();
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): LiveState => this.state;

  private start(): void {
    this.unsubscribers = [
      realtime.on('stats.live', (s) => this.apply(s)),
      realtime.on('stats.threshold', (t) =>
        this.push({
          id: `t:${t.id}:${t.state}`,
          at: Date.parse(t.at),
          source: 'threshold',
          event: t,
        }),
      ),
      realtime.on('routing.alert', (a) =>
        this.push({ id: `r:${a.callId}`, at: Date.now(), source: 'routing', event: a }),
      ),
      realtime.on('synced', () => void this.fetch()),
    ];
    this.timer = setInterval(() => {
      if (Date.now() - this.lastTick >= POLL_MS) void this.fetch();
    }, POLL_MS);
    void this.fetch();
  }

  private stop(): void {
    this.unsubscribers.forEach((u) => u());
    this.unsubscribers = [];
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private async fetch(): Promise<void> {
    if (this.fetching) return;
    this.fetching = true;
    try {
      const snapshot = await supervision.live();
      // A socket tick may have overtaken the request; keep the newer one.
      if (this.state.snapshot === null || snapshot.at >= this.state.snapshot.at) {
        this.set({ snapshot, receivedAt: Date.now(), stale: false });
      }
    } catch {
      this.set({ stale: true });
    } finally {
      this.fetching = false;
    }
  }

  private apply(snapshot: StatsLive): void {
    this.lastTick = Date.now();
    this.set({ snapshot, receivedAt: this.lastTick, stale: false });
  }

  private push(item: FeedItem): void {
    if (this.state.feed.some((f) => f.id === item.id)) return;
    this.set({ feed: [item, ...this.state.feed].slice(0, FEED_LIMIT) });
  }

  private set(patch: Partial<LiveState>): void {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((l) => l());
  }
}

export const liveStore = new LiveStore();

export function useLive(): LiveState {
  useEffect(() => liveStore.retain(), []);
  return useSyncExternalStore(liveStore.subscribe, liveStore.getState);
}
