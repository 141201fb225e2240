/** Stable error codes. Clients branch on these; the HTTP status is derived from them. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  INVALID_PHONE_NUMBER: 400,
  BATCH_TOO_LARGE: 400,
  INVALID_ARGUMENT: 400,
  UNKNOWN_EVENT: 400,
  INVALID_TIME_ZONE: 400,
  INVALID_BUCKET: 400,
  INVALID_RANGE: 400,
  TOO_MANY_BUCKETS: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  INVALID_API_KEY: 401,
  /** The token was issued before a password change or a "sign out everywhere": log in again. */
  SESSION_REVOKED: 401,
  /** The account was deactivated. */
  ACCOUNT_INACTIVE: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  CONFLICT: 409,
  OFFER_EXPIRED: 409,
  ALREADY_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
  MESSAGE_TOO_LONG: 400,
  CALL_NOT_FOUND: 404,
  CALL_NOT_UNFINISHED: 409,
  /** The caller is gone or the call has left the queue (ended, abandoned, blocked, missed). */
  CALL_ALREADY_ENDED: 409,
  /** Someone is talking to the caller: assign and callback are for calls still waiting. */
  CALL_NOT_WAITING: 409,
  /** The person chosen by hand is not available and idle, or already has a call. */
  STAFF_NOT_AVAILABLE: 409,
  STAFF_AT_CAPACITY: 409,
  PLANNED_CONTACT_NOT_FOUND: 404,
  /** Postponing or failing a planned contact needs a reason: one from the list or free text. */
  REASON_REQUIRED: 400,
  /** The planned contact is done, failed or cancelled: it cannot move any more. */
  PLANNED_CONTACT_CLOSED: 409,
  /** The calendar feed token is unknown, rotated or revoked. */
  INVALID_FEED_TOKEN: 401,
  /** "Call now" / "call back" through the PBX needs the Asterisk connector in control mode. */
  PBX_NOT_CONFIGURED: 409,
  /** The PBX rings the person's own phone first: they need an extension. */
  NO_EXTENSION: 409,
  /** The client (or contact person) has no phone number to dial. */
  NO_NUMBER_TO_CALL: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
