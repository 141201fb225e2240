import { useSyncExternalStore } from 'react';
import { request } from '@web/api/http';
import { realtime } from '@web/api/realtime';
import { session } from '@web/api/session';
import type { AppNotification, NotificationSettings } from '@web/api/types';

export type InboxFilter = 'unread' | 'all' | 'archived';

export const notificationsApi = {
  list: (filter: InboxFilter, cursor?: string) =>
    request<{ items: AppNotification[]; nextCursor: string | null }>('GET', '/notifications', {
      query: {
        unread: filter === 'unread' ? true : undefined,
        archived: filter === 'archived' ? true : undefined,
        cursor,
        limit: 50,
      },
    }),
  unreadCount: () => request<{ count: number }>('GET', '/notifications/unread-count'),
  read: (id: string) => request<AppNotification>('POST', `/notifications/${id}/read`),
  archive: (id: string) => request<AppNotification>('POST', `/notifications/${id}/archive`),
  readAll: () => request<{ count: number }>('POST', '/notifications/read-all'),
  ackBroadcast: (broadcastId: string) =>
    request<{ broadcastId: string; ackedAt: string }>('POST', `/broadcasts/${broadcastId}/ack`),
  settings: () => request<NotificationSettings>('GET', '/me/notification-settings'),
  saveSettings: (body: {
    kinds?: Partial<Record<string, { inApp: boolean }>>;
    doNotDisturbUntil?: string | null;
  }) => request<NotificationSettings>('PUT', '/me/notification-settings', { body }),
};

/**
 * Persisted events that bring a notification to the top (a new one, or a reminder of one the
 * person has: same id, unread again). A new such event name is one more entry here.
 */
const SURFACING_EVENTS = ['notification.created', 'notification.reminded'] as const;

export interface Toast {
  key: string;
  notification: AppNotification;
  reminder: boolean;
}

export interface NotificationsState {
  unread: number;
  toasts: Toast[];
  /** Broadcasts that require acknowledgement and are not acknowledged: they stay on screen. */
  pendingAcks: AppNotification[];
  /** Bumped on every inbox change, so open inbox lists know to read again. */
  version: number;
}

/** A broadcast the person must acknowledge: unread (acknowledging reads it) and `requireAck`. */
export function needsAck(n: AppNotification): boolean {
  return n.kind === 'broadcast' && n.data.requireAck === true && n.readAt === null;
}

export function broadcastIdOf(n: AppNotification): string | null {
  return typeof n.data.broadcastId === 'string' ? n.data.broadcastId : null;
}

/** The bell's count, the toasts and the acknowledgements still owed; fed by the socket. */
class NotificationsStore {
  private state: NotificationsState = { unread: 0, toasts: [], pendingAcks: [], version: 0 };
  private listeners = new Set<() => void>();
  private meId: string | null = session.get()?.me.id ?? null;
  private toastSeq = 0;

  constructor() {
    for (const name of SURFACING_EVENTS) {
      realtime.on(name, (p) =>
        this.surface(p as unknown as AppNotification, name === 'notification.reminded'),
      );
    }
    realtime.on('notification.read', (p) => {
      const e = p as unknown as { ids: string[] | null };
      // read-all (ids null) does not acknowledge a broadcast: those stay until acknowledged.
      const ids = new Set(e.ids ?? []);
      this.set({
        pendingAcks: this.state.pendingAcks.filter((n) => !ids.has(n.id)),
        version: this.state.version + 1,
      });
    });
    realtime.on('notification.archived', () => this.set({ version: this.state.version + 1 }));
    realtime.on('notifications.unread', (e) => this.set({ unread: e.count }));
    realtime.on('synced', () => void this.refresh());
    session.subscribe((next) => {
      if (next?.me.id === this.meId) return;
      this.meId = next?.me.id ?? null;
      this.set({ unread: 0, toasts: [], pendingAcks: [], version: this.state.version + 1 });
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): NotificationsState => this.state;

  /** What is not replayed (the count) and what must be on screen (owed acknowledgements). */
  async refresh(): Promise<void> {
    try {
      const [count, unread] = await Promise.all([
        notificationsApi.unreadCount(),
        notificationsApi.list('unread'),
      ]);
      this.set({
        unread: count.count,
        pendingAcks: unread.items.filter(needsAck),
        version: this.state.version + 1,
      });
    } catch {
      // The next reconnect or event tries again; the inbox page shows its own errors.
    }
  }

  async acknowledge(n: AppNotification): Promise<void> {
    const broadcastId = broadcastIdOf(n);
    if (broadcastId !== null) await notificationsApi.ackBroadcast(broadcastId);
    else await notificationsApi.read(n.id);
    this.set({
      pendingAcks: this.state.pendingAcks.filter(
        (p) => p.id !== n.id && (broadcastId === null || broadcastIdOf(p) !== broadcastId),
      ),
      version: this.state.version + 1,
    });
  }

  dismissToast(key: string): void {
    this.set({ toasts: this.state.toasts.filter((t) => t.key !== key) });
  }

  private surface(n: AppNotification, reminder: boolean): void {
    const pendingAcks = needsAck(n)
      ? [...this.state.pendingAcks.filter((p) => p.id !== n.id), n]
      : this.state.pendingAcks;
    // Owed acknowledgements have their own dialog; do-not-disturb ones wait quietly in the inbox.
    const toast = !needsAck(n) && n.silent !== true;
    this.set({
      pendingAcks,
      toasts: toast
        ? [...this.state.toasts, { key: `t${++this.toastSeq}`, notification: n, reminder }].slice(
            -4,
          )
        : this.state.toasts,
      version: this.state.version + 1,
    });
  }

  private set(patch: Partial<NotificationsState>): void {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((l) => l());
  }
}

export const notificationsStore = new NotificationsStore();

export function useNotifications(): NotificationsState {
  return useSyncExternalStore(notificationsStore.subscribe, notificationsStore.getState);
}
