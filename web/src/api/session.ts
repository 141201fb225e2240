import type { Me } from '@web/api/types';
import { setDisplayTimeZone } from '@web/components/time';

/**
 * The signed-in session, kept in sessionStorage: it survives a reload of the tab but not the
 * closing of the browser, which is what a shared front-desk computer needs (the next person does
 * not inherit the previous one's session), and each tab signs in on its own.
 */
export interface StoredSession {
  token: string;
  expiresAt: string;
  me: Me;
}

export type SessionEndReason = 'signed-out' | 'expired';

const KEY = 'switchboard.session';
type Listener = (session: StoredSession | null, reason?: SessionEndReason) => void;

let current: StoredSession | null = read();
setDisplayTimeZone(current?.me.timeZone);
let lastEnd: SessionEndReason | null = null;
const listeners = new Set<Listener>();

function read(): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (raw === null) return null;
    const parsed = JSON.parse(raw) as StoredSession;
    return Date.parse(parsed.expiresAt) > Date.now() ? parsed : null;
  } catch {
    return null;
  }
}

export const session = {
  get: (): StoredSession | null => current,
  token: (): string | null => current?.token ?? null,
  /** Why the last session ended, so sign-in can say "expired" and bring the person back. */
  lastEndReason: (): SessionEndReason | null => lastEnd,
  start(next: StoredSession): void {
    current = next;
    lastEnd = null;
    setDisplayTimeZone(next.me.timeZone);
    sessionStorage.setItem(KEY, JSON.stringify(next));
    listeners.forEach((l) => l(current));
  },
  end(reason: SessionEndReason): void {
    if (current === null) return;
    current = null;
    lastEnd = reason;
    sessionStorage.removeItem(KEY);
    listeners.forEach((l) => l(null, reason));
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
