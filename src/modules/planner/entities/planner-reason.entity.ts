import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** Why a planned contact was postponed or failed: a list the admin keeps, plus free text. */
@Entity({ tableName: 'planner_reasons' })
export class PlannerReason {
  [OptionalProps]?: 'active' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Unique regardless of case (index on lower(label)). */
  @Property({ type: 'text' })
  label!: string;

  /** A retired reason stays on the plans that used it but is not offered any more. */
  @Property({ type: 'boolean', default: true })
  active: boolean = true;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
