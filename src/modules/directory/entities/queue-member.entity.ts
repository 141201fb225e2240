import { randomUUID } from 'node:crypto';
import {
  Entity,
  Index,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
  OptionalProps,
} from '@mikro-orm/core';
import type { Queue } from '@/modules/directory/entities/queue.entity';
import { User } from '@/modules/staff/entities/user.entity';

@Entity({ tableName: 'queue_members' })
@Unique({ properties: ['queue', 'user'] })
export class QueueMember {
  [OptionalProps]?: 'skillLevel';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: 'Queue', deleteRule: 'cascade' })
  queue!: Queue;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  @Index()
  user!: User;

  /** 1 (novice) to 10 (expert); work items can require a minimum level. */
  @Property({ type: 'integer' })
  skillLevel: number = 5;
}
