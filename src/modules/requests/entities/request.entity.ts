import { randomUUID } from 'node:crypto';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
} from '@mikro-orm/core';
import { Call } from '@/modules/calls/entities/call.entity';
import { Client } from '@/modules/directory/entities/client.entity';
import { Queue } from '@/modules/directory/entities/queue.entity';
import { User } from '@/modules/staff/entities/user.entity';

export const REQUEST_CHANNELS = ['phone', 'email', 'web', 'chat', 'walk_in'] as const;
export type RequestChannel = (typeof REQUEST_CHANNELS)[number];

export const REQUEST_STATUSES = ['open', 'done', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/**
 * A request (заявка) registered from any channel and worked stage by stage. The current stage,
 * its assignee and due time are copied here from request_stages so that lists ("mine",
 * "overdue") are one indexed query instead of a join over the stage history.
 */
@Entity({ tableName: 'requests' })
@Index({ name: 'requests_client_id_created_at_index', properties: ['client', 'createdAt'] })
@Index({ name: 'requests_current_assignee_id_index', properties: ['currentAssignee'] })
@Index({ name: 'requests_status_current_due_at_index', properties: ['status', 'currentDueAt'] })
export class Request {
  [OptionalProps]?:
    | 'status'
    | 'client'
    | 'queue'
    | 'call'
    | 'body'
    | 'priority'
    | 'currentAssignee'
    | 'currentDueAt'
    | 'createdBy'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** For humans ("request #1042"); taken from requests_number_seq by the service. */
  @Property({ type: 'integer', unique: true })
  number!: number;

  @Enum({ items: () => REQUEST_CHANNELS })
  channel!: RequestChannel;

  @ManyToOne(() => Client, { nullable: true, deleteRule: 'set null' })
  client: Client | null = null;

  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'text', nullable: true })
  body: string | null = null;

  /** 0..9, higher first, as for calls. */
  @Property({ type: 'integer', default: 0 })
  priority: number = 0;

  @ManyToOne(() => Queue, { nullable: true, deleteRule: 'set null' })
  queue: Queue | null = null;

  /** The call the request came from, when it was registered during one. */
  @ManyToOne(() => Call, { nullable: true, deleteRule: 'set null' })
  call: Call | null = null;

  @Property({ type: 'text' })
  currentStage!: string;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  currentAssignee: User | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  currentDueAt: Date | null = null;

  @Enum({ items: () => REQUEST_STATUSES, default: 'open' })
  status: RequestStatus = 'open';

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  createdBy: User | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
