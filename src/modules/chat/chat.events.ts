/**
 * Socket payloads of the chat feature. Those with a `seq` are persisted user events, replayed on
 * reconnect; typing and presence are live-only.
 */
export const CHAT_ROOM_KINDS = ['direct', 'group', 'context'] as const;
export type ChatRoomKind = (typeof CHAT_ROOM_KINDS)[number];
export const CHAT_CONTEXT_TYPES = ['call', 'request', 'client'] as const;
export type ChatContextType = (typeof CHAT_CONTEXT_TYPES)[number];
export const PRESENCE_STATUSES = ['online', 'away', 'offline'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

export const MAX_MESSAGE_CHARS = 4000;

export interface ChatMessageView {
  id: string;
  roomId: string;
  senderId: string;
  clientMsgId: string;
  /** Empty once the message is deleted. */
  text: string;
  replyTo: string | null;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

export interface ChatMessageEvent extends ChatMessageView {
  seq: number;
}

export interface ChatEditedEvent {
  seq: number;
  id: string;
  roomId: string;
  text: string;
  editedAt: string;
}

export interface ChatDeletedEvent {
  seq: number;
  id: string;
  roomId: string;
  deletedAt: string;
}

/** The reader's own read position, sent to all of the reader's devices. */
export interface ChatReadEvent {
  seq: number;
  roomId: string;
  messageId: string;
  unread: number;
}

/** Someone joined or left a room; sent to the members before and after the change. */
export interface ChatMembersEvent {
  seq: number;
  roomId: string;
  added: string[];
  removed: string[];
}

export interface ChatTypingEvent {
  roomId: string;
  userId: string;
}

export interface PresenceChangedEvent {
  userId: string;
  status: PresenceStatus;
}

export interface ChatSendAck {
  id: string;
  createdAt: string;
}

export interface ChatTypingAck {
  /** False when throttled: at most one typing signal per room every two seconds per socket. */
  sent: boolean;
}
