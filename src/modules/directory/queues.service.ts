import { randomUUID } from 'node:crypto';
import { ObjectQuery } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import { PageQueryDto } from '@/common/pagination/page.dto';
import {
  CreateQueueDto,
  ListQueuesQueryDto,
  PutQueueMemberDto,
  UpdateQueueDto,
} from '@/modules/directory/dto/queue.dto';
import { QueueMember } from '@/modules/directory/entities/queue-member.entity';
import { Queue } from '@/modules/directory/entities/queue.entity';
import { containsPattern } from '@/modules/directory/like-pattern';
import { User } from '@/modules/staff/entities/user.entity';

/** What a PUT without a skill level sets: the column's default. */
const DEFAULT_SKILL_LEVEL = 5;

@Injectable()
export class QueuesService {
  constructor(private readonly em: EntityManager) {}

  async create(input: CreateQueueDto): Promise<Queue> {
    const queue = this.em.create(Queue, {
      code: input.code,
      name: input.name,
      strategy: input.strategy ?? 'longest-idle',
      slThresholdSeconds: input.slThresholdSeconds ?? 20,
      maxWaitSeconds: input.maxWaitSeconds ?? 300,
      wrapUpSeconds: input.wrapUpSeconds ?? 0,
      callbackTargetMinutes: input.callbackTargetMinutes ?? 60,
    });
    await this.em.flush();
    return queue;
  }

  /** With its members and their users. */
  async get(id: string): Promise<Queue> {
    const queue = await this.em.findOne(Queue, { id }, { populate: ['members.user'] });
    if (!queue) throw AppError.notFound('Queue', id);
    return queue;
  }

  /** `q` matches the code or the name; each queue comes with its members. */
  async list(query: ListQueuesQueryDto): Promise<[Queue[], number]> {
    const where: ObjectQuery<Queue> = {};
    if (query.q !== undefined) {
      const pattern = containsPattern(query.q);
      where.$or = [{ code: { $ilike: pattern } }, { name: { $ilike: pattern } }];
    }
    return this.em.findAndCount(Queue, where, {
      populate: ['members.user'],
      orderBy: { code: 'asc' },
      limit: query.limit,
      offset: query.offset,
    });
  }

  async update(id: string, input: UpdateQueueDto): Promise<Queue> {
    const queue = await this.get(id);
    if (input.code !== undefined) queue.code = input.code;
    if (input.name !== undefined) queue.name = input.name;
    if (input.strategy !== undefined) queue.strategy = input.strategy;
    if (input.slThresholdSeconds !== undefined) {
      queue.slThresholdSeconds = input.slThresholdSeconds;
    }
    if (input.maxWaitSeconds !== undefined) queue.maxWaitSeconds = input.maxWaitSeconds;
    if (input.wrapUpSeconds !== undefined) queue.wrapUpSeconds = input.wrapUpSeconds;
    if (input.callbackTargetMinutes !== undefined)
      queue.callbackTargetMinutes = input.callbackTargetMinutes;
    await this.em.flush();
    return queue;
  }

  /** Memberships go with the queue (ON DELETE CASCADE); other references are the FKs' call. */
  async remove(id: string): Promise<void> {
    const deleted = await this.em.nativeDelete(Queue, { id });
    if (deleted === 0) throw AppError.notFound('Queue', id);
  }

  async listMembers(queueId: string, query: PageQueryDto): Promise<[QueueMember[], number]> {
    const found = await this.em.findAndCount(
      QueueMember,
      { queue: queueId },
      {
        populate: ['user'],
        orderBy: { user: { username: 'asc' } },
        limit: query.limit,
        offset: query.offset,
      },
    );
    if (found[1] === 0 && (await this.em.count(Queue, { id: queueId })) === 0) {
      throw AppError.notFound('Queue', queueId);
    }
    return found;
  }

  /**
   * Adds the user to the queue or sets their skill level. One upsert on (queue, user), so two
   * concurrent PUTs for the same person both succeed instead of one failing on the unique key.
   */
  async putMember(queueId: string, userId: string, input: PutQueueMemberDto): Promise<QueueMember> {
    const [queue, user] = await Promise.all([
      this.em.findOne(Queue, { id: queueId }),
      this.em.findOne(User, { id: userId }),
    ]);
    if (!queue) throw AppError.notFound('Queue', queueId);
    if (!user) throw AppError.notFound('User', userId);
    return this.em.upsert(
      QueueMember,
      // The id only counts when the row is new; on conflict the stored one is returned instead.
      { id: randomUUID(), queue, user, skillLevel: input.skillLevel ?? DEFAULT_SKILL_LEVEL },
      {
        onConflictFields: ['queue', 'user'],
        onConflictAction: 'merge',
        onConflictMergeFields: ['skillLevel'],
      },
    );
  }

  async removeMember(queueId: string, userId: string): Promise<void> {
    const deleted = await this.em.nativeDelete(QueueMember, { queue: queueId, user: userId });
    if (deleted === 0) {
      throw new AppError('NOT_FOUND', `User ${userId} is not a member of queue ${queueId}`);
    }
  }
}
