import { Entity, OneToOne, OptionalProps, Property } from '@mikro-orm/core';
import { Queue } from '@/modules/directory/entities/queue.entity';

export interface StageTemplateItem {
  stage: string;
  /** null for the final stage, which is done the moment it is reached. */
  durationMinutes: number | null;
}

/** Used when a request's queue has no template of its own, or the request has no queue. */
export const DEFAULT_STAGE_TEMPLATE: readonly StageTemplateItem[] = [
  { stage: 'registered', durationMinutes: 60 },
  { stage: 'assigned', durationMinutes: 4 * 60 },
  { stage: 'in_work', durationMinutes: 24 * 60 },
  { stage: 'done', durationMinutes: null },
];

/**
 * A queue's stages. Stored as one jsonb list (stage + duration) rather than parallel text[] and
 * int[] columns, so the two can never get out of step.
 */
@Entity({ tableName: 'request_stage_templates' })
export class RequestStageTemplate {
  [OptionalProps]?: 'updatedAt';

  @OneToOne(() => Queue, { primary: true, owner: true, deleteRule: 'cascade' })
  queue!: Queue;

  @Property({ type: 'json', columnType: 'jsonb' })
  stages!: StageTemplateItem[];

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
