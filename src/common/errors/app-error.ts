import { ERROR_STATUS, ErrorCode } from '@/common/errors/error-codes';

export interface ErrorBody {
  /** An ErrorCode, or a code owned by a feature's socket protocol. */
  code: string;
  message: string;
  field?: string;
  details?: unknown;
  errorId?: string;
}

/** A failure the caller can act on: a stable code, a human message, and optionally the field at fault. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { field?: string; details?: unknown } = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }

  static notFound(what: string, id: string): AppError {
    return new AppError('NOT_FOUND', `${what} ${id} does not exist`);
  }
}
