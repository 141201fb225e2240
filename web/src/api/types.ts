/**
 * The wire shapes the console reads, written without DOM or Nest types so the server's own
 * compiler can check them against the server's types (test/web/wire-types.check.ts): a field
 * renamed on the server breaks `npm run typecheck`, not a receptionist's screen.
 */

import type { PlannerChangedEvent } from '@web/api/planner-types';
import type { RoutingAlert, StatsLive, StatsThreshold } from '@web/api/supervision-types';

export type Role = 'admin' | 'supervisor' | 'receptionist' | 'agent';
export type StaffStatus = 'offline' | 'available' | 'break';
export type StaffState = 'idle' | 'offered' | 'busy' | 'wrap_up';
export type CallStatus =
  | 'arrived'
  | 'queued'
  | 'offered'
  | 'answered'
  | 'transferred'
  | 'ended'
  | 'abandoned'
  | 'missed'
  | 'blocked';
export type CallOutcome = 'in_progress' | 'answered' | 'abandoned' | 'missed' | 'blocked';

export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  errorId?: string;
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export interface LoginResult {
  accessToken: string;
  expiresAt: string;
}

export interface Me {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  extension: string | null;
  /** The zone the console shows times in (the server's DEFAULT_TIME_ZONE); absent in old sessions. */
  timeZone?: string;
}

export interface Principal {
  kind: string;
  id: string;
  name: string;
  roles: string[];
}

export interface SessionInfo {
  principal: Principal;
  rooms: string[];
  socketId: string;
}

export interface Presence {
  userId: string;
  username: string;
  displayName: string;
  status: StaffStatus;
  breakReason: string | null;
  state: StaffState;
  stateSince: string;
  idleSince: string | null;
  currentCallId: string | null;
}

export interface PersonRef {
  id: string;
  displayName: string;
}

export interface OpenRequestRef {
  id: string;
  number: number;
  subject: string;
  currentStage: string | null;
  dueAt: string | null;
}

export interface Dossier {
  client: { id: string; name: string; kind: string } | null;
  contact: { id: string; name: string; position: string | null } | null;
  curator: PersonRef | null;
  lastContacts: {
    id: string;
    arrivedAt: string;
    status: CallStatus;
    outcome: CallOutcome;
    answeredBy: PersonRef | null;
  }[];
  /** The server types these loosely; `asOpenRequests` reads them. */
  openRequests: unknown[];
}

export interface CallOfferItem {
  id: string;
  callId: string;
  from: string | null;
  queue: string | null;
  priority: number;
  waitingSince: string;
}

export interface RequestOfferItem {
  id: string;
  requestId: string;
  number: number;
  subject: string;
  channel: string;
  from: string | null;
  queue: string | null;
  priority: number;
  waitingSince: string;
}

export type Offer =
  | { offerId: string; kind: 'call'; item: CallOfferItem; dossier: unknown; expiresAt: string }
  | {
      offerId: string;
      kind: 'request';
      item: RequestOfferItem;
      dossier: unknown;
      expiresAt: string;
    };

export interface OfferRevoked {
  offerId: string | null;
  itemId: string;
  reason: string;
}

export interface ConsoleCall {
  id: string;
  callId: string;
  status: string;
  from: string | null;
  line: string | null;
  queue: string | null;
  priority: number;
  arrivedAt: string;
  waitingSince: string;
  offeredTo: string | null;
  dossier: Dossier;
}

export interface QueueSnapshot {
  at: string;
  calls: ConsoleCall[];
  staff: Presence[];
}

export interface CallSummary {
  callId: string;
  externalId: string;
  status: CallStatus;
  outcome: CallOutcome;
  queueCode: string | null;
  lineCode: string | null;
  from: string | null;
  at: string;
  arrivedAt: string;
  clientId: string | null;
  answeredById: string | null;
  currentAgentId: string | null;
  priority: number;
}

export interface SyncDone {
  since: number | null;
  lastSeq: number;
  replayed: number;
  truncated: boolean;
}

export interface Call {
  id: string;
  externalId: string;
  status: CallStatus;
  outcome: CallOutcome;
  arrivedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  lineCode: string | null;
  queueCode: string | null;
  fromNumber: string | null;
  answeredBy: PersonRef | null;
  clientId: string | null;
  contactId: string | null;
  topic: string | null;
  note: string | null;
  priority: number;
  calledBackAt: string | null;
  dossier?: Dossier;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface Queue {
  id: string;
  code: string;
  name: string;
  wrapUpSeconds: number;
}

export interface Line {
  id: string;
  code: string;
  name: string;
}

export interface DirectoryLookup {
  phone: string;
  client: {
    id: string;
    name: string;
    kind: string;
    curator: { id: string; displayName: string } | null;
  } | null;
  contact: { id: string; name: string; position: string | null } | null;
}

export interface UserSummary {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  active: boolean;
}

export type RequestChannel = 'phone' | 'email' | 'web' | 'chat' | 'walk_in';

/** Events of the delivery contract: they carry `seq` and are replayed after a reconnect. */
export const PERSISTED_EVENTS = [
  'notification.created',
  'notification.read',
  'notification.archived',
  'notification.reminded',
  'chat.message',
  'chat.edited',
  'chat.deleted',
  'chat.read',
  'chat.members',
] as const;
export type PersistedEventName = (typeof PERSISTED_EVENTS)[number];
export interface PersistedEvent {
  seq: number;
  [field: string]: unknown;
}

export const CALL_DELTA_EVENTS = [
  'call.arrived',
  'call.queued',
  'call.offered',
  'call.answered',
  'call.transferred',
  'call.ended',
  'call.abandoned',
  'call.missed',
  'call.blocked',
] as const;
export type CallDeltaEvent = (typeof CALL_DELTA_EVENTS)[number];

/** Statuses of a call someone is waiting on: the board's "waiting and ringing" list. */
export const WAITING_STATUSES: readonly string[] = ['arrived', 'queued', 'offered', 'transferred'];

export interface ServerToClientEvents {
  'session.ready': (payload: SessionInfo) => void;
  'staff.changed': (payload: Presence) => void;
  offer: (payload: Offer) => void;
  'queue.snapshot': (payload: QueueSnapshot) => void;
  'offer.revoked': (payload: OfferRevoked) => void;
  'sync.done': (payload: SyncDone) => void;
  'call.arrived': (payload: CallSummary) => void;
  'call.queued': (payload: CallSummary) => void;
  'call.offered': (payload: CallSummary) => void;
  'call.answered': (payload: CallSummary) => void;
  'call.transferred': (payload: CallSummary) => void;
  'call.ended': (payload: CallSummary) => void;
  'call.abandoned': (payload: CallSummary) => void;
  'call.missed': (payload: CallSummary) => void;
  'call.blocked': (payload: CallSummary) => void;
  'notification.created': (payload: PersistedEvent) => void;
  'notification.read': (payload: PersistedEvent) => void;
  'notification.archived': (payload: PersistedEvent) => void;
  'chat.message': (payload: PersistedEvent) => void;
  'chat.edited': (payload: PersistedEvent) => void;
  'chat.deleted': (payload: PersistedEvent) => void;
  'chat.read': (payload: PersistedEvent) => void;
  'chat.members': (payload: PersistedEvent) => void;
  'notifications.unread': (payload: { count: number }) => void;
  'chat.typing': (payload: { roomId: string; userId: string }) => void;
  'presence.changed': (payload: { userId: string; status: 'online' | 'away' | 'offline' }) => void;
  'notification.reminded': (payload: PersistedEvent) => void;
  'request.changed': (payload: RequestChanged) => void;
  'planner.changed': (payload: PlannerChangedEvent) => void;
  'stats.live': (payload: StatsLive) => void;
  'stats.threshold': (payload: StatsThreshold) => void;
  'routing.alert': (payload: RoutingAlert) => void;
}

export interface ClientToServerEvents {
  'queue.snapshot': (
    payload: Record<string, never>,
    ack: (res: Ack<QueueSnapshot>) => void,
  ) => void;
  'staff.status': (
    payload: { status: StaffStatus; reason?: string },
    ack: (res: Ack<Presence>) => void,
  ) => void;
  'offer.pending': (payload: Record<string, never>, ack: (res: Ack<Offer[]>) => void) => void;
  'offer.accept': (
    payload: { offerId: string },
    ack: (res: Ack<{ offerId: string; itemId: string }>) => void,
  ) => void;
  'offer.decline': (
    payload: { offerId: string },
    ack: (res: Ack<{ offerId: string; itemId: string }>) => void,
  ) => void;
  'chat.send': (
    payload: { roomId: string; clientMsgId: string; text: string; replyTo?: string },
    ack: (res: Ack<{ id: string; createdAt: string }>) => void,
  ) => void;
  'chat.edit': (
    payload: { messageId: string; text: string },
    ack: (res: Ack<ChatMessage>) => void,
  ) => void;
  'chat.delete': (payload: { messageId: string }, ack: (res: Ack<ChatMessage>) => void) => void;
  'chat.typing': (payload: { roomId: string }, ack: (res: Ack<{ sent: boolean }>) => void) => void;
  'chat.read': (
    payload: { roomId: string; messageId: string },
    ack: (res: Ack<{ roomId: string; messageId: string; unread: number }>) => void,
  ) => void;
  'broadcast.ack': (
    payload: { broadcastId: string },
    ack: (res: Ack<{ broadcastId: string; ackedAt: string }>) => void,
  ) => void;
}

/** A colleague as `GET /api/people` lists them. */
export interface Person {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
}

export type PresenceStatus = 'online' | 'away' | 'offline';
export type ChatRoomKind = 'direct' | 'group' | 'context';
export type ChatContextType = 'call' | 'request' | 'client';

export interface ChatRoom {
  id: string;
  kind: ChatRoomKind;
  title: string | null;
  contextType: ChatContextType | null;
  contextId: string | null;
  createdBy: string;
  createdAt: string;
  memberIds: string[];
  unread: number;
  lastMessageAt: string | null;
}

export interface ChatMessage {
  id: string;
  roomId: string;
  senderId: string;
  clientMsgId: string;
  /** Empty once deleted. */
  text: string;
  replyTo: string | null;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

export interface ChatHistoryPage {
  items: ChatMessage[];
  nextBefore: string | null;
}

/** Every kind the server sends (`NOTIFICATION_KINDS` in notifications.events.ts; a unit test keeps them equal). */
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

export interface AppNotification {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  data: Record<string, unknown>;
  critical: boolean;
  createdAt: string;
  readAt: string | null;
  archivedAt: string | null;
  /** Delivered during do-not-disturb (live events only). */
  silent?: boolean;
  remindCount?: number;
}

export interface NotificationSettings {
  kinds: Record<NotificationKind, { inApp: boolean }>;
  doNotDisturbUntil: string | null;
}

export type RequestStatus = 'open' | 'done' | 'cancelled';

export interface RequestStage {
  id: string;
  stage: string;
  position: number;
  assigneeId: string | null;
  dueAt: string | null;
  startedAt: string | null;
  doneAt: string | null;
  note: string | null;
}

export interface ClientRequest {
  id: string;
  number: number;
  channel: RequestChannel;
  status: RequestStatus;
  clientId: string | null;
  subject: string;
  body: string | null;
  priority: number;
  queueId: string | null;
  callId: string | null;
  currentStage: string;
  assigneeId: string | null;
  dueAt: string | null;
  overdue: boolean;
  createdById: string | null;
  createdAt: string;
  updatedAt: string;
  stages?: RequestStage[];
}

export interface RequestChanged {
  requestId: string;
  number: number;
  change: 'created' | 'advanced' | 'reassigned' | 'assigned' | 'overdue';
  status: RequestStatus;
  subject: string;
  currentStage: string;
  assigneeId: string | null;
  dueAt: string | null;
  overdue: boolean;
  updatedAt: string;
}

export function asOpenRequests(dossier: Dossier | null | undefined): OpenRequestRef[] {
  return (dossier?.openRequests ?? []).filter(
    (r): r is OpenRequestRef => typeof r === 'object' && r !== null && 'number' in r,
  );
}

export function asDossier(value: unknown): Dossier | null {
  return typeof value === 'object' && value !== null && 'lastContacts' in value
    ? (value as Dossier)
    : null;
}
