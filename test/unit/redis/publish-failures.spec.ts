import type { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { handlePublishFailures } from '@/redis/redis.module';

describe('handlePublishFailures', () => {
  it('logs a failed PUBLISH that its caller ignores, and still answers callers that await it', async () => {
    const warn = jest.fn();
    const client = {
      publish: jest.fn(() => Promise.reject(new Error('Connection is closed.'))),
    } as unknown as Redis;
    handlePublishFailures(client, { warn } as unknown as Logger);

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
});
