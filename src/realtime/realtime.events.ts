import type { Principal } from '@/common/auth/roles';
import type { ErrorBody } from '@/common/errors/app-error';
import type { PresenceDto, SetStatusDto } from '@/modules/staff/dto/presence.dto';
import type { QueueSnapshot } from '@/modules/routing/console-snapshot.service';
import type {
  OfferAnswerDto,
  OfferPayload,
  OfferRevokedPayload,
  RoutingAlertPayload,
} from '@/modules/routing/dto/offer.dto';
import type { CallSummary } from '@/modules/calls/calls.events';
import type { RequestSummary } from '@/modules/requests/requests.events';
import type { PlannerChangedEvent } from '@/modules/planner/planner.events';
import type {
  NotificationArchivedEvent,
  NotificationCreatedEvent,
  NotificationReadEvent,
  NotificationRemindedEvent,
  UnreadCountEvent,
  BroadcastAckInput,
  BroadcastAckResult,
} from '@/modules/notifications/notifications.events';
import type {
  SyncDoneEvent,
  SyncRequest,
  SyncRequiredEvent,
} from '@/modules/notifications/delivery/delivery.events';
import type {
  ChatDeletedEvent,
  ChatEditedEvent,
  ChatMembersEvent,
  ChatMessageEvent,
  ChatMessageView,
  ChatReadEvent,
  ChatSendAck,
  ChatTypingAck,
  ChatTypingEvent,
  PresenceChangedEvent,
  PresenceStatus,
} from '@/modules/chat/chat.events';
import type { SessionRevokedEvent } from '@/modules/auth/sessions.events';
import type { StatsLivePayload, StatsThresholdPayload } from '@/modules/stats/dto/live.dto';

/** Every client→server event is answered through its acknowledgement in this shape. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export interface SessionInfo {
  principal: Principal;
  rooms: string[];
  socketId: string;
}

/**
 * The typed catalogue of socket events. Feature issues add their events here; nothing emits
 * or listens to a name that is not in these maps.
 */
export interface ServerToClientEvents {
  'session.ready': (payload: SessionInfo) => void;
  /** The account changed (deactivated, roles, password, signed out): the socket is closed next. */
  'session.revoked': (payload: SessionRevokedEvent) => void;
  'staff.changed': (payload: PresenceDto) => void;
  offer: (payload: OfferPayload) => void;
  'queue.snapshot': (payload: QueueSnapshot) => void;
  'offer.revoked': (payload: OfferRevokedPayload) => void;
  'routing.alert': (payload: RoutingAlertPayload) => void;
  'system.broadcast': (payload: { text: string; from: string; at: string }) => void;
  /** Live console deltas, sent to receptionists and supervisors for calls active in the last 6 h. */
  'call.arrived': (payload: CallSummary) => void;
  'call.queued': (payload: CallSummary) => void;
  'call.offered': (payload: CallSummary) => void;
  'call.answered': (payload: CallSummary) => void;
  'call.transferred': (payload: CallSummary) => void;
  'call.ended': (payload: CallSummary) => void;
  'call.abandoned': (payload: CallSummary) => void;
  'call.missed': (payload: CallSummary) => void;
  'call.blocked': (payload: CallSummary) => void;
  /** Delivery contract: a replay (after connect or `sync`) is over; live from here (see delivery/). */
  'sync.done': (payload: SyncDoneEvent) => void;
  /** Delivery contract: live events may have been lost for this socket; the client sends `sync`. */
  'sync.required': (payload: SyncRequiredEvent) => void;
  /** Persisted user events (seq at the top level), replayed after `auth.since`. */
  'notification.created': (payload: NotificationCreatedEvent) => void;
  'notification.reminded': (payload: NotificationRemindedEvent) => void;
  'notification.read': (payload: NotificationReadEvent) => void;
  'notification.archived': (payload: NotificationArchivedEvent) => void;
  'chat.message': (payload: ChatMessageEvent) => void;
  'chat.edited': (payload: ChatEditedEvent) => void;
  'chat.deleted': (payload: ChatDeletedEvent) => void;
  'chat.read': (payload: ChatReadEvent) => void;
  'chat.members': (payload: ChatMembersEvent) => void;
  /** Live only, no seq. */
  'notifications.unread': (payload: UnreadCountEvent) => void;
  'chat.typing': (payload: ChatTypingEvent) => void;
  'presence.changed': (payload: PresenceChangedEvent) => void;
  /** Supervisors: one live load snapshot per tick (queues, staff, lines). */
  'stats.live': (payload: StatsLivePayload) => void;
  /** Supervisors: a queue or line crossed a configured threshold, or came back under it. */
  'stats.threshold': (payload: StatsThresholdPayload) => void;
  /** Receptionists, supervisors and the assignee: a request was created, advanced, reassigned or became overdue. */
  'request.changed': (payload: RequestSummary) => void;
  /** The assignee (and a previous one) and supervisors: a planned contact was created or moved. */
  'planner.changed': (payload: PlannerChangedEvent) => void;
}

export interface ClientToServerEvents {
  /** Delivery contract: replay every persisted event after `since`, then `sync.done`. */
  sync: (payload: SyncRequest, ack: (res: Ack<SyncDoneEvent>) => void) => void;
  'session.whoami': (payload: Record<string, never>, ack: (res: Ack<SessionInfo>) => void) => void;
  'staff.status': (payload: SetStatusDto, ack: (res: Ack<PresenceDto>) => void) => void;
  'queue.snapshot': (
    payload: Record<string, never>,
    ack: (res: Ack<QueueSnapshot>) => void,
  ) => void;
  /** The offers ringing at the caller now, oldest first (re-shown after a reconnect). */
  'offer.pending': (
    payload: Record<string, never>,
    ack: (res: Ack<OfferPayload[]>) => void,
  ) => void;
  'offer.accept': (
    payload: OfferAnswerDto,
    ack: (res: Ack<{ offerId: string; itemId: string }>) => void,
  ) => void;
  'offer.decline': (
    payload: OfferAnswerDto,
    ack: (res: Ack<{ offerId: string; itemId: string }>) => void,
  ) => void;
  'chat.send': (
    payload: { roomId: string; clientMsgId: string; text: string; replyTo?: string },
    ack: (res: Ack<ChatSendAck>) => void,
  ) => void;
  'chat.edit': (
    payload: { messageId: string; text: string },
    ack: (res: Ack<ChatMessageView>) => void,
  ) => void;
  'chat.delete': (payload: { messageId: string }, ack: (res: Ack<ChatMessageView>) => void) => void;
  'chat.typing': (payload: { roomId: string }, ack: (res: Ack<ChatTypingAck>) => void) => void;
  'chat.read': (
    payload: { roomId: string; messageId: string },
    ack: (res: Ack<Omit<ChatReadEvent, 'seq'>>) => void,
  ) => void;
  'presence.set': (
    payload: { status: 'online' | 'away' },
    ack: (res: Ack<{ status: PresenceStatus }>) => void,
  ) => void;
  'broadcast.ack': (
    payload: BroadcastAckInput,
    ack: (res: Ack<BroadcastAckResult>) => void,
  ) => void;
}

export interface SocketData {
  /** Re-read from the account on every event, so a removed role stops at once. */
  principal: Principal;
  /** The token's version, checked against the account's on every event. */
  tokenVersion: number;
}

export const rooms = {
  user: (userId: string) => `user:${userId}`,
  role: (role: string) => `role:${role}`,
} as const;
