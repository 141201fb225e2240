import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobPayloads } from '@/queue/job-catalogue';
import { JobHandler } from '@/queue/job-handler.decorator';

@Injectable()
export class ApiKeyUsedJob {
  constructor(private readonly em: EntityManager) {}

  /** Idempotent: replays and out-of-order retries can only move the time forward. */
  @JobHandler('auth.api-key-used')
  async handle(job: Job<JobPayloads['auth.api-key-used']>): Promise<void> {
    await this.em
      .getConnection()
      .execute(
        'update api_keys set last_used_at = greatest(coalesce(last_used_at, ?::timestamptz), ?::timestamptz) where id = ?',
        [job.data.at, job.data.at, job.data.apiKeyId],
      );
  }
}
