import type { NotifyInput } from '@/modules/notifications/notifications.events';

/**
 * Every BullMQ queue, job name and payload, in one place. Producers and processors refer to
 * these constants; the worker refuses to boot if a job here has no processor.
 */
export const QUEUES = {
  maintenance: 'maintenance',
  routing: 'routing',
  notifications: 'notifications',
  stats: 'stats',
  requests: 'requests',
  planner: 'planner',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  'auth.api-key-used': { apiKeyId: string; at: string };
  /** A person's last socket closed; if none came back within the grace period, set offline. */
  'staff.presence-check': { userId: string; disconnectedAt: string };
  /** Nobody answered an offer in time: expire it and offer the item to the next person. */
  'routing.offer-timeout': { offerId: string };
  /**
   * A call has waited past its queue's limit: missed, callback task, supervisor alert. `leg` is
   * the number of transfers when the wait began (absent: none); a later transfer makes it stale.
   */
  'routing.max-wait': { callId: string; leg?: number };
  /** After-call work is over: the person becomes idle and may be offered waiting work. */
  'routing.wrap-up-done': { userId: string; callId: string };
  /** Every 15 s: route calls and requests whose live routing was lost with a killed process. */
  'routing.recover': Record<string, never>;
  /** One notification per recipient, idempotent per (sourceId, recipient). */
  'notifications.fan-out': Required<NotifyInput>;
  /** Re-notify whoever has not acknowledged a broadcast yet, then schedule the next round. */
  'notifications.broadcast-renotify': { broadcastId: string; round: number };
  /** Hourly: delete user events past the retention. */
  'notifications.purge-user-events': Record<string, never>;
  /** Rewrites the rollup buckets touched by calls and offers changed since the watermark. */
  'stats.recompute': { reason: 'changed' | 'schedule' | 'busy' };
  /** One live supervisor snapshot for everyone, then threshold checks. */
  'stats.live-tick': Record<string, never>;
  /** A request stage's due time has come: alert unless it is done or was re-dued later. */
  'requests.stage-overdue': { stageId: string };
  /**
   * A person's reminder before a planned contact starts. `startsAt` is the plan's start when the
   * job was scheduled: a plan moved since finds a different time and the job does nothing.
   */
  'planner.reminder': { plannedContactId: string; startsAt: string };
  /** A plan's due time (or due time + grace for `supervisors`) passed while it was still open. */
  'planner.overdue': { plannedContactId: string; dueAt: string; to: 'assignee' | 'supervisors' };
  /** Every few seconds: outbox rows whose live dispatch was lost or failed (outbox.relay.ts). */
  'outbox.relay': Record<string, never>;
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { [N in JobName]: QueueName } = {
  'auth.api-key-used': QUEUES.maintenance,
  'staff.presence-check': QUEUES.routing,
  'routing.offer-timeout': QUEUES.routing,
  'routing.max-wait': QUEUES.routing,
  'routing.wrap-up-done': QUEUES.routing,
  'routing.recover': QUEUES.routing,
  'notifications.fan-out': QUEUES.notifications,
  'notifications.broadcast-renotify': QUEUES.notifications,
  'notifications.purge-user-events': QUEUES.notifications,
  'stats.recompute': QUEUES.stats,
  'stats.live-tick': QUEUES.stats,
  'requests.stage-overdue': QUEUES.requests,
  'outbox.relay': QUEUES.maintenance,
  'planner.reminder': QUEUES.planner,
  'planner.overdue': QUEUES.planner,
};

export const JOB_NAMES = Object.keys(JOB_QUEUE) as JobName[];
