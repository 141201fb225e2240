/**
 * The notification kinds and the socket payloads of the notifications feature. Every payload
 * with a `seq` is a persisted user event (see delivery/user-events.service.ts); the others are
 * live-only hints.
 */
export const NOTIFICATION_KINDS = [
  'offer',
  'assignment',
  'missed-call',
  'stage-overdue',
  'mention',
  'broadcast',
  'threshold',
  'planner-reminder',
  'planner-overdue',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Kinds a person may not switch off: missing one costs the company a call. */
export const UNMUTABLE_KINDS: readonly NotificationKind[] = ['offer'];

/** What another feature hands to `NotificationsService.notify`. */
export interface NotifyInput {
  /**
   * Identifies the domain event, unique across features (e.g. `call.missed:<callId>`): with the
   * recipient it forms the idempotency key, so notifying twice for one event notifies once.
   */
  sourceId: string;
  kind: NotificationKind;
  userIds: string[];
  title: string;
  body: string;
  data?: Record<string, unknown>;
  /** Critical notifications ignore mutes and do-not-disturb. */
  critical?: boolean;
}

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  data: Record<string, unknown>;
  critical: boolean;
  /** When it was last sent: the first time, or the latest reminder. */
  createdAt: string;
  readAt: string | null;
  archivedAt: string | null;
  /** How many reminder rounds re-surfaced it (0: never reminded). */
  remindCount: number;
  remindedAt: string | null;
}

export interface NotificationCreatedEvent extends NotificationView {
  seq: number;
  /** Delivered during do-not-disturb: show in the inbox, do not pop up or ring. */
  silent: boolean;
}

/**
 * A reminder re-surfaced a notification the person already has (same id): unread and
 * unarchived again, `createdAt` and `remindedAt` the reminder's time, `remindCount` bumped.
 * The console moves it to the top and alerts again.
 */
export type NotificationRemindedEvent = NotificationCreatedEvent;

/** What `NotificationsService.remind` is given: one reminder round of an earlier notification. */
export interface RemindInput {
  /** The `sourceId` the notification was first sent with. */
  sourceId: string;
  kind: NotificationKind;
  userIds: string[];
  /** 1 for the first reminder; a row already reminded in this round is not bumped again. */
  round: number;
  critical: boolean;
}

export interface NotificationReadEvent {
  seq: number;
  /** The notifications marked read, or null when everything up to `upTo` was. */
  ids: string[] | null;
  upTo: string | null;
  readAt: string;
}

export interface NotificationArchivedEvent {
  seq: number;
  id: string;
  archivedAt: string;
}

export interface UnreadCountEvent {
  count: number;
}

export interface BroadcastAckInput {
  broadcastId: string;
}

export interface BroadcastAckResult {
  broadcastId: string;
  ackedAt: string;
}
