/**
 * PostgreSQL error classes by SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html).
 * Matching on the code rather than the message text: messages change with the server's
 * language and version, and "duplicate key" from CREATE DATABASE does not say "already exists".
 */
export const PgError = {
  uniqueViolation: '23505',
  duplicateDatabase: '42P04',
  insufficientPrivilege: '42501',
  invalidCatalogName: '3D000',
  invalidPassword: '28P01',
  invalidAuthorization: '28000',
  cannotConnectNow: '57P03',
  adminShutdown: '57P01',
  tooManyConnections: '53300',
  objectInUse: '55006',
} as const;

/**
 * The SQLSTATE of an error thrown by `pg` (its `code`) or wrapped by MikroORM (its `sqlState`),
 * or undefined for anything else. Network errors also carry a `code` (`EPIPE` has five letters
 * too), so only errors the server sent, which have a `severity`, count. Duck-typed, as errors
 * may come from another realm.
 */
export function sqlState(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, sqlState: state, severity } = err as Record<string, unknown>;
  if (typeof state === 'string' && /^[0-9A-Z]{5}$/.test(state)) return state;
  if (typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return code;
  }
  return undefined;
}

/** The database already exists: another process created it first (during the check, or racing). */
export function isDatabaseAlreadyThere(err: unknown): boolean {
  const state = sqlState(err);
  return state === PgError.duplicateDatabase || state === PgError.uniqueViolation;
}
