/** A socket as the adapter sees it; only its identity matters here. */
type AnySocket = object;

interface HeldWrite {
  seq: number;
  write: () => void;
}

/**
 * While a socket's replay runs, live events carrying a seq (persisted user events) must not
 * overtake it: a live event published by another process would otherwise reach the client before
 * older replayed ones. They wait here; the replay reads the store at least up to the highest seq
 * held (it was committed before it was published), and on release only those above what the
 * replay sent go out, in seq order. Events without a seq pass straight through.
 */
export class LiveHold {
  private readonly held: HeldWrite[] = [];

  /** The highest seq held so far, 0 when none. */
  highestSeq(): number {
    return this.held.reduce((max, h) => Math.max(max, h.seq), 0);
  }

  offer(seq: number | null, write: () => void): void {
    if (seq === null) write();
    else this.held.push({ seq, write });
  }

  release(after: number): void {
    let last = after;
    for (const h of [...this.held].sort((x, y) => x.seq - y.seq)) {
      if (h.seq <= last) continue;
      last = h.seq;
      h.write();
    }
    this.held.length = 0;
  }
}

const holds = new WeakMap<AnySocket, LiveHold>();

export function holdLiveEvents(socket: AnySocket): LiveHold {
  const hold = new LiveHold();
  holds.set(socket, hold);
  return hold;
}

/** Ends the hold: held events with a seq above `after` are written, in seq order. */
export function releaseLiveEvents(socket: AnySocket, after: number): void {
  const hold = holds.get(socket);
  holds.delete(socket);
  hold?.release(after);
}

function seqOf(packet: unknown): number | null {
  const data = (packet as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data)) return null;
  const payload = data[1] as { seq?: unknown } | undefined;
  return typeof payload?.seq === 'number' ? payload.seq : null;
}

interface AdapterInternals {
  _encode: (packet: unknown, packetOpts: unknown) => unknown;
  apply: (opts: unknown, callback: (socket: AnySocket) => void) => void;
}

/**
 * Makes an adapter honour live holds. Every broadcast, local or relayed from another process
 * through Redis, encodes its packet (`_encode`) and then writes it to each target socket
 * (`apply`), synchronously; a held socket's write is deferred with the packet's seq. These two
 * are internal to socket.io-adapter (2.5), hence the check at boot and the e2e test that a live
 * event from another process waits for a replay.
 */
export function withLiveHolds<A extends object>(adapter: A): A {
  const internals = adapter as unknown as AdapterInternals;
  if (typeof internals._encode !== 'function' || typeof internals.apply !== 'function') {
    throw new Error('socket.io-adapter no longer has _encode/apply: live holds cannot work');
  }
  const encode = internals._encode.bind(adapter);
  const apply = internals.apply.bind(adapter);
  let broadcasting: unknown;
  internals._encode = (packet, packetOpts) => {
    broadcasting = packet;
    return encode(packet, packetOpts);
  };
  internals.apply = (opts, callback) => {
    // Set by the broadcast that calls apply right after encoding; other callers (joins, leaves,
    // disconnects, fetches) find it cleared and pass through.
    const packet = broadcasting;
    broadcasting = undefined;
    apply(opts, (socket) => {
      const hold = packet === undefined ? undefined : holds.get(socket);
      if (hold) hold.offer(seqOf(packet), () => callback(socket));
      else callback(socket);
    });
  };
  return adapter;
}
