import { EventEmitter } from 'node:events';
import { RedisAdapter } from '@socket.io/redis-adapter';
import type Redis from 'ioredis';
import type { Namespace } from 'socket.io';
import { dropOwnEcho } from '@/realtime/own-echo';

/** ioredis as the adapter uses it, without a server: subscriptions are no-ops. */
class FakeRedis extends EventEmitter {
  psubscribe(): Promise<void> {
    return Promise.resolve();
  }
  subscribe(): Promise<void> {
    return Promise.resolve();
  }
  publish(): Promise<number> {
    return Promise.resolve(0);
  }
}

interface Parser {
  encode: (value: unknown) => Uint8Array;
  decode: (value: Buffer) => unknown;
}

describe('dropOwnEcho', () => {
  // The local broadcast (which would use the encoder) is replaced by a spy below.
  const nsp = { name: '/', server: { encoder: {} } } as unknown as Namespace;
  const key = 'test:socket.io';

  function setUp(filter: boolean) {
    const sub = new FakeRedis();
    const adapter = new RedisAdapter(nsp, new FakeRedis(), sub, { key });
    if (filter) dropOwnEcho(adapter, sub as unknown as Redis);
    const parser = (adapter as unknown as { parser: Parser }).parser;
    const decode = jest.spyOn(parser, 'decode');
    const broadcast = jest.spyOn(
      Object.getPrototypeOf(RedisAdapter.prototype) as object,
      'broadcast' as never,
    );
    broadcast.mockImplementation((() => undefined) as never);
    const hear = (uid: string) =>
      sub.emit(
        'pmessageBuffer',
        Buffer.from(`${key}#/#*`),
        Buffer.from(`${key}#/#`),
        Buffer.from(
          parser.encode([uid, { type: 2, data: ['e', 1], nsp: '/' }, { rooms: [], except: [] }]),
        ),
      );
    return { adapter, decode, broadcast, hear };
  }

  afterEach(() => jest.restoreAllMocks());

  it('drops a broadcast of its own undecoded and relays another process’s as before', () => {
    const { adapter, decode, broadcast, hear } = setUp(true);
    hear(adapter.uid);
    expect(decode).not.toHaveBeenCalled();
    expect(broadcast).not.toHaveBeenCalled();
    // Another process's id that differs from this one only in its last character.
    hear(`${adapter.uid.slice(0, -1)}${adapter.uid.endsWith('a') ? 'b' : 'a'}`);
    expect(decode).toHaveBeenCalledTimes(1);
    expect(broadcast).toHaveBeenCalledTimes(1);
  });

  it('is what saves the decode: the adapter alone decodes its own echo to drop it', () => {
    const { adapter, decode, broadcast, hear } = setUp(false);
    hear(adapter.uid);
    expect(decode).toHaveBeenCalledTimes(1);
    expect(broadcast).not.toHaveBeenCalled();
  });
});
