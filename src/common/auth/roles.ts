export const USER_ROLES = ['admin', 'supervisor', 'receptionist', 'agent'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type Role = UserRole | 'connector';

export interface Principal {
  kind: 'user' | 'api-key';
  /** The user id, or the API key id for connectors. */
  id: string;
  name: string;
  roles: Role[];
}

export function hasAnyRole(principal: Principal, allowed: readonly Role[]): boolean {
  return principal.roles.some((role) => allowed.includes(role));
}
