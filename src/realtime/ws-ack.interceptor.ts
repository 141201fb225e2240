import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { catchError, map, Observable, of } from 'rxjs';
import { mapError } from '@/common/errors/error-mapper';
import type { Ack } from '@/realtime/realtime.events';

/**
 * The failure answer of a socket event: the error's stable code, and for an unexpected one an
 * error id that is logged with it. Shared by the interceptor and the lean handlers (acked-event.ts).
 */
export function ackFailure(err: unknown, event: unknown, logger: Logger): Ack<never> {
  const mapped = mapError(err);
  if (mapped.unexpected !== undefined) {
    logger.error(
      { err: mapped.unexpected, errorId: mapped.body.errorId, event },
      'unexpected socket error',
    );
  }
  return { ok: false, error: mapped.body };
}

/**
 * Turns every socket handler's result into `{ok: true, data}` and every failure (validation,
 * AppError, unexpected) into `{ok: false, error}` sent through the acknowledgement, because a
 * Nest WsException on its own acknowledges nothing and the client would wait forever.
 */
@Injectable()
export class WsAckInterceptor implements NestInterceptor {
  private readonly logger = new Logger('SocketError');

  intercept(context: ExecutionContext, next: CallHandler): Observable<Ack<unknown>> {
    return next.handle().pipe(
      map((data: unknown) => ({ ok: true as const, data: data ?? null })),
      catchError((err: unknown) =>
        of(ackFailure(err, context.switchToWs().getPattern(), this.logger)),
      ),
    );
  }
}
