import { randomUUID } from 'node:crypto';
import { HttpException } from '@nestjs/common';
import {
  ForeignKeyConstraintViolationException,
  NotFoundError,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { AppError, ErrorBody } from '@/common/errors/app-error';

export interface MappedError {
  status: number;
  body: ErrorBody;
  /** Set for unexpected failures: the error must be logged with this id. */
  unexpected?: unknown;
}

/**
 * One mapping from anything thrown to a stable code, used by the HTTP filter and by the socket
 * acknowledgement interceptor so both transports speak the same error language.
 */
export function mapError(err: unknown): MappedError {
  if (err instanceof AppError) return { status: err.status, body: err.toBody() };
  if (err instanceof UniqueConstraintViolationException) {
    return {
      status: 409,
      body: { code: 'ALREADY_EXISTS', message: describeUnique(err.message) },
    };
  }
  if (err instanceof ForeignKeyConstraintViolationException) {
    return {
      status: 409,
      body: { code: 'CONFLICT', message: 'A referenced record does not exist or is still in use' },
    };
  }
  if (err instanceof NotFoundError) {
    return { status: 404, body: { code: 'NOT_FOUND', message: err.message } };
  }
  if (err instanceof HttpException) return mapHttpException(err);
  if (isUnavailable(err)) {
    return {
      status: 503,
      body: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'The database is unavailable for the moment; try again shortly',
      },
    };
  }
  const errorId = randomUUID();
  return {
    status: 500,
    body: {
      code: 'INTERNAL',
      message: `Unexpected error; report error id ${errorId} to an administrator`,
      errorId,
    },
    unexpected: err,
  };
}

/**
 * SQLSTATEs of a server that is shutting down, starting up or unreachable (class 08: connection
 * exception; 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now; 53300 too many
 * connections), and socket errors on the way to it.
 */
const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * pg and knex say these without a code (the pool acquire timeout, a connection cut mid-query);
 * knex puts the failed SQL and ` - ` before the driver's message. "Transaction query already
 * complete" is what knex answers a query of a transaction whose connection died under it (its
 * BEGIN failed with the server shutting down); the code here never queries a finished
 * transaction otherwise.
 */
const UNAVAILABLE_MESSAGES =
  /(^|\s-\s)(Knex: Timeout acquiring a connection|Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Transaction query already complete)/;

/**
 * A failure of the connection, not of the request: the same request succeeds once the database is
 * back. MikroORM wraps driver errors and copies their `code`; some reach here unwrapped or as the
 * `cause` of another error.
 */
export function isUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) {
      return true;
    }
    if (UNAVAILABLE_MESSAGES.test(e.message) || e.name === 'KnexTimeoutError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function mapHttpException(err: HttpException): MappedError {
  const status = err.getStatus();
  const response = err.getResponse();
  if (typeof response === 'object' && response !== null && 'code' in response) {
    return { status, body: response as ErrorBody };
  }
  const code =
    status === 404
      ? 'ROUTE_NOT_FOUND'
      : status === 413
        ? 'PAYLOAD_TOO_LARGE'
        : status === 401
          ? 'UNAUTHENTICATED'
          : status === 403
            ? 'FORBIDDEN'
            : status === 429
              ? 'RATE_LIMITED'
              : status >= 500
                ? 'INTERNAL'
                : 'VALIDATION_FAILED';
  return { status, body: { code, message: err.message } };
}

function describeUnique(dbMessage: string): string {
  const match = /Key \(([^)]+)\)=\(([^)]*)\) already exists/.exec(dbMessage);
  return match
    ? `${match[1]} '${match[2]}' is already taken`
    : 'A record with this value already exists';
}
