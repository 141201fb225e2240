import { MikroORM } from '@mikro-orm/core';
import { Module } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '@/config/config.module';
import { ApiKey } from '@/modules/auth/entities/api-key.entity';
import { JobProducer } from '@/queue/job-producer.service';
import { WorkerHost } from '@/queue/worker-host';
import { WorkerModule } from '@workers/worker.module';

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('worker process', () => {
  let worker: INestApplicationContext;

  beforeAll(async () => {
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
  });
  afterAll(() => worker.close());

  it('processes a catalogued job in its own ORM context and writes idempotently', async () => {
    const em = worker.get(MikroORM).em.fork();
    const key = em.create(ApiKey, {
      name: 'worker-test',
      prefix: 'sbk_test',
      keyDigest: `digest-${Date.now()}`,
    });
    await em.flush();
    const at = '2026-01-02T03:04:05.000Z';
    const producer = worker.get(JobProducer);
    await producer.enqueue('auth.api-key-used', { apiKeyId: key.id, at });
    // An older retry arriving late must not move the time back.
    await producer.enqueue('auth.api-key-used', {
      apiKeyId: key.id,
      at: '2025-01-01T00:00:00.000Z',
    });
    const seen = await waitFor(async () => {
      const row = await worker.get(MikroORM).em.fork().findOne(ApiKey, { id: key.id });
      return row?.lastUsedAt?.toISOString() === at ? row : null;
    });
    await new Promise((r) => setTimeout(r, 300));
    const after = await worker.get(MikroORM).em.fork().findOneOrFail(ApiKey, { id: key.id });
    expect(after.lastUsedAt?.toISOString()).toBe(seen.lastUsedAt?.toISOString());
  });

  it('refuses to boot when a catalogued job has no processor', async () => {
    // Only what WorkerHost itself needs: a failed boot does not close what it opened, so the
    // database and Redis connections of a full CoreModule would outlive this test.
    @Module({
      imports: [ConfigModule, DiscoveryModule],
      providers: [WorkerHost, { provide: MikroORM, useValue: {} }],
    })
    class IncompleteWorkerModule {}
    await expect(
      NestFactory.createApplicationContext(IncompleteWorkerModule, {
        logger: false,
        abortOnError: false,
      }),
    ).rejects.toThrow(/No processor registered for job\(s\): auth.api-key-used/);
  });
});
