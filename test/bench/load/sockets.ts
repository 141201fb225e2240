import { io, Socket } from 'socket.io-client';

/** Opens one socket the way the product's clients do: websocket only, no reconnection. */
export function openSocket(url: string, auth: Record<string, unknown>, timeoutMs: number): Socket {
  return io(url, {
    transports: ['websocket'],
    auth,
    reconnection: false,
    forceNew: true,
    timeout: timeoutMs,
  });
}

/**
 * Resolves once the socket is usable: on `connect`, or on a server event that follows the
 * handshake (the API sends `session.ready` once rooms are joined).
 */
export function whenReady(socket: Socket, readyEvent: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${readyEvent} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const done = (err?: Error) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    if (readyEvent === 'connect') socket.once('connect', () => done());
    else socket.once(readyEvent, () => done());
    socket.once('connect_error', (err: Error & { data?: unknown }) =>
      done(new Error(`connect_error ${err.message} ${JSON.stringify(err.data ?? '')}`)),
    );
  });
}

/** Opens `count` sockets in batches of `batch`, each batch waiting for the previous one. */
export async function openInBatches(
  count: number,
  batch: number,
  open: (i: number) => Promise<Socket>,
  onBatch: (opened: number) => void,
): Promise<{ sockets: Socket[]; failed: number; errors: string[] }> {
  const sockets: Socket[] = [];
  const errors: string[] = [];
  let failed = 0;
  for (let start = 0; start < count; start += batch) {
    const end = Math.min(count, start + batch);
    const results = await Promise.allSettled(
      Array.from({ length: end - start }, (_, k) => open(start + k)),
    );
    for (const r of results) {
      if (r.status === 'fulfilled') sockets.push(r.value);
      else {
        failed += 1;
        if (errors.length < 5) errors.push(String(r.reason));
      }
    }
    onBatch(sockets.length);
  }
  return { sockets, failed, errors };
}
