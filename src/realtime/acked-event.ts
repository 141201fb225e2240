import { Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { Ack } from '@/realtime/realtime.events';
import { ackFailure } from '@/realtime/ws-ack.interceptor';

const logger = new Logger('SocketError');

/** The payload and the acknowledgement of one event, split as Nest's IoAdapter splits them. */
function splitArgs(args: unknown[]): { data: unknown; ack?: (res: unknown) => void } {
  const payload: unknown = args.length > 1 ? args : args[0];
  if (!Array.isArray(payload)) {
    return typeof payload === 'function'
      ? { data: undefined, ack: payload as (res: unknown) => void }
      : { data: payload };
  }
  const last: unknown = payload[payload.length - 1];
  if (typeof last !== 'function') return { data: payload };
  const size = payload.length - 1;
  return {
    data: size === 1 ? payload[0] : payload.slice(0, size),
    ack: last as (res: unknown) => void,
  };
}

/**
 * Binds one socket event with the answers a `@SubscribeMessage` handler of a gateway with
 * `WsAckInterceptor` gets (`{ok: true, data}`, or the mapped error), for the few events every
 * second of chat goes through. Nest's per-message machinery (an execution context, an RxJS
 * pipeline with AsyncResource bindings, the pipes consumer) cost more CPU than the event's own
 * work; here it is one promise. `parse` is the event's validation (see validatorFor) and runs
 * first, as the gateway's pipe did; the socket middlewares (the per-event account check) run
 * before either, as they do for Nest's handlers.
 */
export function onAckedEvent<T, R>(
  socket: Socket,
  event: string,
  parse: (data: unknown) => T | Promise<T>,
  handle: (body: T) => R | Promise<R>,
): void {
  socket.on(event, (...args: unknown[]) => {
    const { data, ack } = splitArgs(args);
    const answer = (res: Ack<R | null>) => ack?.(res);
    new Promise<T>((resolve) => resolve(parse(data)))
      .then(handle)
      .then(
        (result) => answer({ ok: true, data: result ?? null }),
        (err: unknown) => answer(ackFailure(err, event, logger)),
      )
      .catch((err: unknown) =>
        logger.error(
          { err: err instanceof Error ? err.message : String(err), event },
          'socket acknowledgement failed',
        ),
      );
  });
}
