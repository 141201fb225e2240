import type { FailoverRest } from '@test/chaos/harness/rest';
import type { Timeline } from '@test/chaos/harness/timeline';

/** What every driver shares: where to send, where to record, when to stop. */
export interface ChaosContext {
  timeline: Timeline;
  rest: FailoverRest;
  urls: string[];
  /** Unique per run: every id the drivers make starts with it. */
  tag: string;
  /** True once load generation should stop (the settle period has begun). */
  stopping: () => boolean;
  /** Hard end of the run (wall clock ms): no loop runs past it. */
  deadline: number;
}

export interface ChaosUser {
  id: string;
  username: string;
  token: string;
}

export type SocketAck<T = unknown> =
  { ok: true; data: T } | { ok: false; error: { code: string; message?: string } };

export function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
