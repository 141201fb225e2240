import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Request } from '@/modules/requests/entities/request.entity';
import { User } from '@/modules/staff/entities/user.entity';

/** One stage of a request, created up front from the template; the rows are the stage history. */
@Entity({ tableName: 'request_stages' })
@Unique({ name: 'request_stages_request_id_position_unique', properties: ['request', 'position'] })
export class RequestStage {
  [OptionalProps]?: 'assignee' | 'dueAt' | 'startedAt' | 'doneAt' | 'note' | 'durationMinutes';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Request, { deleteRule: 'cascade' })
  request!: Request;

  @Property({ type: 'text' })
  stage!: string;

  @Property({ type: 'integer' })
  position!: number;

  /** From the template; the due time of a stage started later is counted from its start. */
  @Property({ type: 'integer', nullable: true })
  durationMinutes: number | null = null;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  assignee: User | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  dueAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  doneAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;
}
