import { useSyncExternalStore } from 'react';
import { ApiError, request } from '@web/api/http';
import { realtime } from '@web/api/realtime';
import { session } from '@web/api/session';
import type {
  ChatContextType,
  ChatHistoryPage,
  ChatMessage,
  ChatRoom,
  ChatRoomKind,
  PresenceStatus,
} from '@web/api/types';

const PAGE_SIZE = 50;
/** A typing signal is repeated every 2 s while someone types; it fades a little after that. */
const TYPING_SHOWN_MS = 3500;
/** The server takes one typing signal per room every 2 s per socket; a little margin. */
const TYPING_EVERY_MS = 2100;
/** Errors after which the send is worth repeating once the socket is back. */
const TRANSIENT = new Set(['NETWORK', 'TIMEOUT']);

export const chatApi = {
  rooms: () => request<ChatRoom[]>('GET', '/chat/rooms'),
  createRoom: (body: {
    kind: ChatRoomKind;
    memberIds: string[];
    title?: string;
    contextType?: ChatContextType;
    contextId?: string;
  }) => request<ChatRoom>('POST', '/chat/rooms', { body }),
  history: (roomId: string, before?: string) =>
    request<ChatHistoryPage>('GET', `/chat/rooms/${roomId}/messages`, {
      query: { before, limit: PAGE_SIZE },
    }),
  presence: (userIds: string[]) =>
    request<{ presence: Record<string, PresenceStatus> }>('GET', '/chat/presence', {
      query: { userIds: userIds.join(',') },
    }),
};

/** A message typed here that the server has not confirmed yet. */
export interface PendingMessage {
  clientMsgId: string;
  roomId: string;
  text: string;
  createdAt: string;
  /** `queued`: the socket is down; it goes out (same clientMsgId) when it is back. */
  state: 'sending' | 'queued' | 'failed';
  error: unknown;
}

export interface RoomHistory {
  /** Oldest first. */
  messages: ChatMessage[];
  /** Pass as `before` for the page older than what we have; null when we have the beginning. */
  nextBefore: string | null;
  loading: boolean;
  error: unknown;
}

export interface ChatState {
  rooms: ChatRoom[];
  roomsLoaded: boolean;
  roomsError: unknown;
  histories: Readonly<Record<string, RoomHistory>>;
  pending: Readonly<Record<string, PendingMessage[]>>;
  /** roomId → ids of the people typing there now. */
  typing: Readonly<Record<string, string[]>>;
  presence: Readonly<Record<string, PresenceStatus>>;
  totalUnread: number;
}

const EMPTY_HISTORY: RoomHistory = { messages: [], nextBefore: null, loading: false, error: null };

function byTime(a: ChatMessage, b: ChatMessage): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

function newId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * The chat's live state: rooms with unread counts (REST, refreshed after every reconnect), the
 * histories of the rooms opened, messages in flight, typing and presence. Socket events arrive
 * through the delivery contract (never twice), and merging is by message id besides, so a
 * history re-read after a reconnect never shows a message twice either.
 */
class ChatStore {
  private rooms = new Map<string, ChatRoom>();
  private roomsLoaded = false;
  private roomsError: unknown = null;
  private histories = new Map<string, RoomHistory>();
  private pending = new Map<string, PendingMessage>();
  private typing = new Map<string, Map<string, number>>();
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private presence = new Map<string, PresenceStatus>();
  private openRoomId: string | null = null;
  private meId: string | null = null;
  private roomsLoading: Promise<void> | null = null;
  private lastTypingSent = new Map<string, number>();
  private typingTrailing = new Map<string, ReturnType<typeof setTimeout>>();
  private listeners = new Set<() => void>();
  private state: ChatState = this.compute();

  constructor() {
    realtime.on('chat.message', (p) => this.applyMessage(p as unknown as ChatMessage));
    realtime.on('chat.edited', (p) => {
      const e = p as unknown as { id: string; roomId: string; text: string; editedAt: string };
      this.patchMessage(e.roomId, e.id, { text: e.text, editedAt: e.editedAt });
    });
    realtime.on('chat.deleted', (p) => {
      const e = p as unknown as { id: string; roomId: string; deletedAt: string };
      this.patchMessage(e.roomId, e.id, { text: '', deletedAt: e.deletedAt });
      // A deleted message no longer counts as unread; the server knows whether it did.
      void this.loadRooms();
    });
    realtime.on('chat.read', (p) => {
      const e = p as unknown as { roomId: string; unread: number };
      this.setUnread(e.roomId, e.unread);
    });
    realtime.on('chat.members', () => void this.loadRooms());
    realtime.on('chat.typing', (e) => this.applyTyping(e.roomId, e.userId));
    realtime.on('presence.changed', (e) => {
      this.presence.set(e.userId, e.status);
      this.changed();
    });
    realtime.on('synced', () => this.resync());
    session.subscribe((next) => {
      if (next?.me.id !== this.meId) this.reset(next?.me.id ?? null);
    });
    this.meId = session.get()?.me.id ?? null;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): ChatState => this.state;

  /** Rooms with their unread counts, then the presence of everyone in them. */
  loadRooms(): Promise<void> {
    if (this.roomsLoading !== null) return this.roomsLoading;
    this.roomsLoading = chatApi
      .rooms()
      .then(async (rooms) => {
        this.rooms = new Map(rooms.map((r) => [r.id, r]));
        this.roomsLoaded = true;
        this.roomsError = null;
        this.changed();
        if (this.openRoomId !== null) this.markRead(this.openRoomId);
        await this.loadPresence(rooms.flatMap((r) => r.memberIds));
      })
      .catch((err: unknown) => {
        this.roomsError = err;
        this.changed();
      })
      .finally(() => {
        this.roomsLoading = null;
      });
    return this.roomsLoading;
  }

  /** The room on screen: its history is loaded and what arrives in it is read at once. */
  open(roomId: string | null): void {
    this.openRoomId = roomId;
    if (roomId === null) return;
    if (!this.histories.has(roomId)) void this.loadNewest(roomId);
    else this.markRead(roomId);
  }

  async loadOlder(roomId: string): Promise<void> {
    const history = this.histories.get(roomId);
    if (!history || history.loading || history.nextBefore === null) return;
    this.histories.set(roomId, { ...history, loading: true });
    this.changed();
    try {
      const page = await chatApi.history(roomId, history.nextBefore);
      const current = this.histories.get(roomId) ?? EMPTY_HISTORY;
      this.histories.set(roomId, {
        messages: merge(current.messages, page.items),
        nextBefore: page.nextBefore,
        loading: false,
        error: null,
      });
    } catch (err) {
      this.histories.set(roomId, { ...history, loading: false, error: err });
    }
    this.changed();
  }

  /** Shows the message at once; the acknowledgement confirms it (or says why not). */
  send(roomId: string, text: string): void {
    this.stopTyping(roomId);
    const pending: PendingMessage = {
      clientMsgId: newId(),
      roomId,
      text,
      createdAt: new Date().toISOString(),
      state: 'sending',
      error: null,
    };
    this.pending.set(pending.clientMsgId, pending);
    this.changed();
    void this.deliver(pending.clientMsgId);
  }

  retry(clientMsgId: string): void {
    void this.deliver(clientMsgId);
  }

  discard(clientMsgId: string): void {
    this.pending.delete(clientMsgId);
    this.changed();
  }

  async edit(messageId: string, text: string): Promise<void> {
    const m = await realtime.send('chat.edit', { messageId, text });
    this.patchMessage(m.roomId, m.id, { text: m.text, editedAt: m.editedAt });
  }

  async remove(messageId: string): Promise<void> {
    const m = await realtime.send('chat.delete', { messageId });
    this.patchMessage(m.roomId, m.id, { text: '', deletedAt: m.deletedAt });
  }

  /**
   * While someone types: at most one signal per room every two seconds (the server drops the
   * rest), the last keystrokes of a window sent when it ends, so a short burst is not lost.
   */
  typed(roomId: string): void {
    if (this.typingTrailing.has(roomId)) return;
    const wait = (this.lastTypingSent.get(roomId) ?? 0) + TYPING_EVERY_MS - Date.now();
    const sendNow = () => {
      this.typingTrailing.delete(roomId);
      this.lastTypingSent.set(roomId, Date.now());
      realtime.send('chat.typing', { roomId }).catch(() => undefined);
    };
    if (wait <= 0) sendNow();
    else this.typingTrailing.set(roomId, setTimeout(sendNow, wait));
  }

  /** Sending ends typing: no trailing signal after the message. */
  private stopTyping(roomId: string): void {
    const timer = this.typingTrailing.get(roomId);
    if (timer !== undefined) clearTimeout(timer);
    this.typingTrailing.delete(roomId);
  }

  /** Moves my read position to the newest message of the room (the server keeps it monotonic). */
  markRead(roomId: string): void {
    const room = this.rooms.get(roomId);
    const newest = this.histories.get(roomId)?.messages.at(-1);
    if (!room || room.unread === 0 || !newest) return;
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    realtime
      .send('chat.read', { roomId, messageId: newest.id })
      .then((r) => this.setUnread(r.roomId, r.unread))
      .catch(() => undefined);
  }

  private async deliver(clientMsgId: string): Promise<void> {
    const p = this.pending.get(clientMsgId);
    if (!p) return;
    this.pending.set(clientMsgId, { ...p, state: 'sending', error: null });
    this.changed();
    try {
      const ack = await realtime.send('chat.send', {
        roomId: p.roomId,
        clientMsgId: p.clientMsgId,
        text: p.text,
      });
      this.applyMessage({
        id: ack.id,
        roomId: p.roomId,
        senderId: this.meId ?? '',
        clientMsgId: p.clientMsgId,
        text: p.text,
        replyTo: null,
        createdAt: ack.createdAt,
        editedAt: null,
        deletedAt: null,
      });
    } catch (err) {
      if (!this.pending.has(clientMsgId)) return;
      const transient = err instanceof ApiError && TRANSIENT.has(err.code);
      this.pending.set(clientMsgId, { ...p, state: transient ? 'queued' : 'failed', error: err });
      this.changed();
    }
  }

  private applyMessage(m: ChatMessage): void {
    if (m.senderId === this.meId) this.pending.delete(m.clientMsgId);
    const history = this.histories.get(m.roomId);
    const isNew = history !== undefined && !history.messages.some((x) => x.id === m.id);
    if (history !== undefined && isNew) {
      this.histories.set(m.roomId, { ...history, messages: merge(history.messages, [m]) });
    }
    const room = this.rooms.get(m.roomId);
    if (room === undefined) {
      void this.loadRooms();
    } else if (history === undefined || isNew) {
      const later = room.lastMessageAt === null || m.createdAt > room.lastMessageAt;
      const fromOther = m.senderId !== this.meId && m.deletedAt === null;
      this.rooms.set(m.roomId, {
        ...room,
        lastMessageAt: later ? m.createdAt : room.lastMessageAt,
        unread: room.unread + (fromOther ? 1 : 0),
      });
    }
    this.clearTyping(m.roomId, m.senderId);
    this.changed();
    if (this.openRoomId === m.roomId && m.senderId !== this.meId) this.markRead(m.roomId);
  }

  private patchMessage(roomId: string, id: string, patch: Partial<ChatMessage>): void {
    const history = this.histories.get(roomId);
    if (!history) return;
    this.histories.set(roomId, {
      ...history,
      messages: history.messages.map((m) => (m.id === id ? { ...m, ...patch } : m)),
    });
    this.changed();
  }

  private setUnread(roomId: string, unread: number): void {
    const room = this.rooms.get(roomId);
    if (!room || room.unread === unread) return;
    this.rooms.set(roomId, { ...room, unread });
    this.changed();
  }

  private async loadNewest(roomId: string): Promise<void> {
    const known = this.histories.get(roomId);
    this.histories.set(roomId, { ...(known ?? EMPTY_HISTORY), loading: true });
    this.changed();
    try {
      const page = await chatApi.history(roomId);
      const current = this.histories.get(roomId) ?? EMPTY_HISTORY;
      this.histories.set(roomId, {
        messages: merge(current.messages, page.items),
        // Keep the older cursor we had: a refresh of the newest page does not lose older ones.
        nextBefore: known && known.messages.length > 0 ? current.nextBefore : page.nextBefore,
        loading: false,
        error: null,
      });
      this.changed();
      if (this.openRoomId === roomId) this.markRead(roomId);
    } catch (err) {
      this.histories.set(roomId, {
        ...(this.histories.get(roomId) ?? EMPTY_HISTORY),
        loading: false,
        error: err,
      });
      this.changed();
    }
  }

  /** After every (re)connect: rooms and open histories again, then what waited for the socket. */
  private resync(): void {
    void this.loadRooms();
    for (const roomId of this.histories.keys()) void this.loadNewest(roomId);
    for (const p of this.pending.values()) {
      if (p.state !== 'failed') void this.deliver(p.clientMsgId);
    }
  }

  private async loadPresence(ids: string[]): Promise<void> {
    const unique = [...new Set(ids)].filter((id) => id !== this.meId).slice(0, 200);
    if (unique.length === 0) return;
    try {
      const { presence } = await chatApi.presence(unique);
      for (const [id, status] of Object.entries(presence)) this.presence.set(id, status);
      this.changed();
    } catch {
      // Presence dots are a nicety: grey until the next presence.changed.
    }
  }

  private applyTyping(roomId: string, userId: string): void {
    if (userId === this.meId) return;
    let room = this.typing.get(roomId);
    if (!room) this.typing.set(roomId, (room = new Map<string, number>()));
    room.set(userId, Date.now() + TYPING_SHOWN_MS);
    this.scheduleTypingExpiry();
    this.changed();
  }

  private clearTyping(roomId: string, userId: string): void {
    this.typing.get(roomId)?.delete(userId);
  }

  private scheduleTypingExpiry(): void {
    if (this.typingTimer !== null) return;
    this.typingTimer = setTimeout(() => {
      this.typingTimer = null;
      const now = Date.now();
      let left = false;
      for (const room of this.typing.values()) {
        for (const [userId, until] of room) {
          if (until <= now) room.delete(userId);
          else left = true;
        }
      }
      this.changed();
      if (left) this.scheduleTypingExpiry();
    }, 500);
  }

  private reset(meId: string | null): void {
    this.meId = meId;
    this.rooms.clear();
    this.roomsLoaded = false;
    this.roomsError = null;
    this.histories.clear();
    this.pending.clear();
    this.typing.clear();
    this.presence.clear();
    this.openRoomId = null;
    this.changed();
  }

  private compute(): ChatState {
    const rooms = [...this.rooms.values()].sort(
      (a, b) =>
        (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt) ||
        a.id.localeCompare(b.id),
    );
    const pending: Record<string, PendingMessage[]> = {};
    for (const p of this.pending.values()) (pending[p.roomId] ??= []).push(p);
    const typing: Record<string, string[]> = {};
    for (const [roomId, users] of this.typing.entries()) {
      if (users.size > 0) typing[roomId] = [...users.keys()];
    }
    return {
      rooms,
      roomsLoaded: this.roomsLoaded,
      roomsError: this.roomsError,
      histories: Object.fromEntries(this.histories),
      pending,
      typing,
      presence: Object.fromEntries(this.presence),
      totalUnread: rooms.reduce((sum, r) => sum + r.unread, 0),
    };
  }

  private changed(): void {
    this.state = this.compute();
    this.listeners.forEach((l) => l());
  }
}

function merge(known: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const byId = new Map(known.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort(byTime);
}

export const chatStore = new ChatStore();

export function useChat(): ChatState {
  return useSyncExternalStore(chatStore.subscribe, chatStore.getState);
}

export function historyOf(state: ChatState, roomId: string): RoomHistory {
  return state.histories[roomId] ?? EMPTY_HISTORY;
}
