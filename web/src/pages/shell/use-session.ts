import { useSyncExternalStore } from 'react';
import { session, type StoredSession } from '@web/api/session';
import type { Role } from '@web/api/types';

export function useSession(): StoredSession | null {
  return useSyncExternalStore((l) => session.subscribe(l), session.get);
}

export function hasAnyRole(s: StoredSession | null, roles: readonly Role[]): boolean {
  return s !== null && s.me.roles.some((r) => roles.includes(r));
}
