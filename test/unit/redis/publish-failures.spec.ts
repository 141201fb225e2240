import type { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { EventEmitter } from 'node:events';
import { handlePublishFailures } from '@/redis/redis.module';

function fakeClient(publish: () => Promise<number>): Redis {
  return Object.assign(new EventEmitter(), { publish: jest.fn(publish) }) as unknown as Redis;
}

describe('handlePublishFailures', () => {
  it('logs a failed PUBLISH that its caller ignores, and still answers callers that await it', async () => {
    const warn = jest.fn();
    const client = fakeClient(() => Promise.reject(new Error('Connection is closed.')));
    handlePublishFailures(client, { warn, debug: jest.fn() } as unknown as Logger);

    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      // What the Socket.IO adapter does: publish and never look at the promise.
      void client.publish('channel', 'message');
      await expect(client.publish('channel', 'again')).rejects.toThrow('Connection is closed.');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    expect(unhandled).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith('socket event not published: Connection is closed.');
  });

  it('reports a lost PUBLISH once, when the connection is ready again', async () => {
    let fail = true;
    const client = fakeClient(() =>
      fail
        ? Promise.reject(new Error('Command aborted due to connection close'))
        : Promise.resolve(1),
    );
    const onLost = jest.fn();
    handlePublishFailures(
      client,
      { warn: jest.fn(), debug: jest.fn() } as unknown as Logger,
      onLost,
    );

    client.emit('ready');
    expect(onLost).not.toHaveBeenCalled();
    void client.publish('channel', 'one');
    void client.publish('channel', 'two');
    await new Promise((resolve) => setImmediate(resolve));
    expect(onLost).not.toHaveBeenCalled();
    fail = false;
    client.emit('ready');
    client.emit('ready');
    expect(onLost).toHaveBeenCalledTimes(1);
  });
});
