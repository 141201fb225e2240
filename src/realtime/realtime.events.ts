import type { Principal } from '@/common/auth/roles';
import type { ErrorBody } from '@/common/errors/app-error';
import type { PresenceDto, SetStatusDto } from '@/modules/staff/dto/presence.dto';

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
  'staff.changed': (payload: PresenceDto) => void;
  'system.broadcast': (payload: { text: string; from: string; at: string }) => void;
}

export interface ClientToServerEvents {
  'session.whoami': (payload: Record<string, never>, ack: (res: Ack<SessionInfo>) => void) => void;
  'staff.status': (payload: SetStatusDto, ack: (res: Ack<PresenceDto>) => void) => void;
}

export interface SocketData {
  principal: Principal;
}

export const rooms = {
  user: (userId: string) => `user:${userId}`,
  role: (role: string) => `role:${role}`,
} as const;
