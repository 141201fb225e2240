/** The parts of an engine.io connection (engine.io 6) this reaches into. */
interface EngineConnection {
  flush: () => void;
  transport?: { socket?: { _socket?: Corkable } };
}

interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * One write per socket per turn of the event loop, instead of one per frame. engine.io flushes
 * each packet as it is queued and ws writes each frame on its own (a writev syscall each), so a
 * chat sender got its message event and then its acknowledgement in two writes, the second only
 * after the first had completed. Here the flush waits for the end of the turn (setImmediate:
 * whatever this turn queues for the socket joins it) and runs with the TCP socket corked, so all
 * of its frames leave in one write, in the order they were queued.
 */
export function coalesceWrites(conn: unknown): void {
  const engine = conn as EngineConnection;
  if (typeof engine.flush !== 'function') {
    throw new Error('engine.io sockets no longer have flush(): writes cannot be coalesced');
  }
  const flush = engine.flush.bind(engine);
  let scheduled = false;
  engine.flush = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const tcp = engine.transport?.socket?._socket;
      tcp?.cork();
      try {
        flush();
      } finally {
        tcp?.uncork();
      }
    });
  };
}
