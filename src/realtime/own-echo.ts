import type { RedisAdapter } from '@socket.io/redis-adapter';
import type Redis from 'ioredis';

type PmessageListener = (pattern: Buffer, channel: Buffer, message: Buffer) => void;

interface AdapterInternals {
  uid: string;
  parser: { encode: (value: unknown) => Uint8Array };
  redisListeners: Map<string, PmessageListener>;
}

/** msgpack's header of a three-element array: how every broadcast message starts. */
const ARRAY_OF_THREE = 0x93;

/**
 * The Redis adapter hears each of its own broadcasts back from Redis and decodes the whole
 * message before it finds its own sender id in it and drops it; with every chat event
 * published once per member, those decodes were a few per cent of the API's CPU. A broadcast is
 * the msgpack array [uid, packet, options], so one of this adapter's own is recognised from its
 * first bytes and dropped undecoded; everything else goes to the adapter as before. The
 * listener and fields used are internal to @socket.io/redis-adapter (8.x), hence the check.
 */
export function dropOwnEcho(adapter: RedisAdapter, sub: Pick<Redis, 'on' | 'off'>): void {
  const internals = adapter as unknown as AdapterInternals;
  const listener = internals.redisListeners?.get('pmessageBuffer');
  if (typeof listener !== 'function' || typeof internals.uid !== 'string') {
    throw new Error('@socket.io/redis-adapter internals changed: cannot drop its own echo');
  }
  // [uid] encodes as a one-element array header followed by the uid, as it follows the header
  // of the three-element array of a broadcast.
  const own = Buffer.from(internals.parser.encode([internals.uid])).subarray(1);
  const isOwn = (message: Buffer) =>
    message[0] === ARRAY_OF_THREE && message.subarray(1, 1 + own.length).equals(own);
  const filtered: PmessageListener = (pattern, channel, message) => {
    if (!Buffer.isBuffer(message) || !isOwn(message)) listener(pattern, channel, message);
  };
  sub.off('pmessageBuffer', listener);
  sub.on('pmessageBuffer', filtered);
  internals.redisListeners.set('pmessageBuffer', filtered);
}
