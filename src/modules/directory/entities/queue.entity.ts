import { randomUUID } from 'node:crypto';
import {
  Collection,
  Entity,
  Enum,
  OneToMany,
  PrimaryKey,
  Property,
  OptionalProps,
} from '@mikro-orm/core';
import { QueueMember } from '@/modules/directory/entities/queue-member.entity';

export const QUEUE_STRATEGIES = [
  'curator-first',
  'longest-idle',
  'least-busy',
  'round-robin',
  'fewest-calls',
  'ring-all',
] as const;
export type QueueStrategy = (typeof QUEUE_STRATEGIES)[number];

/** A group of staff with a skill; calls and requests wait here until someone takes them. */
@Entity({ tableName: 'queues' })
export class Queue {
  [OptionalProps]?:
    | 'strategy'
    | 'slThresholdSeconds'
    | 'maxWaitSeconds'
    | 'wrapUpSeconds'
    | 'callbackTargetMinutes'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Unique ignoring case (`queues_code_lower_unique` on `lower(code)`, see the migration). */
  @Property({ type: 'text' })
  code!: string;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => QUEUE_STRATEGIES, nativeEnumName: 'routing_strategy' })
  strategy: QueueStrategy = 'longest-idle';

  /** T in the service level SL(T). */
  @Property({ type: 'integer' })
  slThresholdSeconds: number = 20;

  /** Past this a waiting call is missed and escalated. */
  @Property({ type: 'integer' })
  maxWaitSeconds: number = 300;

  @Property({ type: 'integer' })
  wrapUpSeconds: number = 0;

  /** A caller held for a callback, or a missed caller, is called back within this. */
  @Property({ type: 'integer', default: 60 })
  callbackTargetMinutes: number = 60;

  @OneToMany(() => QueueMember, (member) => member.queue, { orphanRemoval: true })
  members = new Collection<QueueMember>(this);

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
