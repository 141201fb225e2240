/**
 * Why a person's open sockets were closed. `roles_changed` leaves the token valid (reconnect to
 * get the rooms and console of the new roles); the others mean "log in again".
 */
export type SessionRevokedReason =
  'deactivated' | 'roles_changed' | 'password_changed' | 'signed_out';

/** Sent to each of the person's sockets, in every API process, right before it is closed. */
export interface SessionRevokedEvent {
  reason: SessionRevokedReason;
  at: string;
}
