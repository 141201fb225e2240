import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { catchError, map, Observable, of } from 'rxjs';
import { mapError } from '@/common/errors/error-mapper';
import type { Ack } from '@/realtime/realtime.events';

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
      catchError((err: unknown) => {
        const mapped = mapError(err);
        if (mapped.unexpected !== undefined) {
          const event = context.switchToWs().getPattern();
          this.logger.error(
            { err: mapped.unexpected, errorId: mapped.body.errorId, event },
            'unexpected socket error',
          );
        }
        return of({ ok: false as const, error: mapped.body });
      }),
    );
  }
}
