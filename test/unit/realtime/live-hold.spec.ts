import { holdLiveEvents, LiveHold, releaseLiveEvents, withLiveHolds } from '@/realtime/live-hold';

describe('LiveHold', () => {
  it('passes events without a seq through and releases held ones above the replayed seq, in order, once', () => {
    const written: string[] = [];
    const hold = new LiveHold();
    hold.offer(7, () => written.push('7'));
    hold.offer(null, () => written.push('typing'));
    hold.offer(5, () => written.push('5'));
    hold.offer(9, () => written.push('9'));
    hold.offer(7, () => written.push('7 again'));
    expect(written).toEqual(['typing']);
    expect(hold.highestSeq()).toBe(9);
    hold.release(5);
    expect(written).toEqual(['typing', '7', '9']);
  });
});

describe('withLiveHolds', () => {
  /** The two steps socket.io-adapter's broadcast takes, as a stand-in adapter. */
  class FakeAdapter {
    constructor(private readonly sockets: object[]) {}
    _encode(packet: unknown): unknown {
      return packet;
    }
    apply(_opts: unknown, callback: (socket: object) => void): void {
      this.sockets.forEach(callback);
    }
    broadcast(packet: unknown, write: (socket: object, packet: unknown) => void): void {
      const encoded = this._encode(packet);
      this.apply({}, (socket) => write(socket, encoded));
    }
  }

  it('defers a held socket’s seq-bearing writes until release and leaves other sockets and calls alone', () => {
    const [replaying, other] = [{ id: 'a' }, { id: 'b' }];
    const adapter = withLiveHolds(new FakeAdapter([replaying, other]));
    const writes: [string, unknown][] = [];
    const write = (socket: object, packet: unknown) =>
      writes.push([(socket as { id: string }).id, packet]);
    const event = (seq: number) => ({ type: 2, data: ['chat.message', { seq }] });

    holdLiveEvents(replaying);
    adapter.broadcast(event(12), write);
    adapter.broadcast({ type: 2, data: ['chat.typing', { roomId: 'r' }] }, write);
    const joined: string[] = [];
    adapter.apply({}, (socket) => joined.push((socket as { id: string }).id));
    expect(joined).toEqual(['a', 'b']);
    expect(writes.map(([id, p]) => [id, (p as { data: unknown[] }).data[0]])).toEqual([
      ['b', 'chat.message'],
      ['a', 'chat.typing'],
      ['b', 'chat.typing'],
    ]);
    releaseLiveEvents(replaying, 11);
    expect(writes[3]).toEqual(['a', event(12)]);
    adapter.broadcast(event(13), write);
    expect(writes.slice(4).map(([id]) => id)).toEqual(['a', 'b']);
  });
});
