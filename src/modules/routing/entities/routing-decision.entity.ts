import { randomUUID } from 'node:crypto';
import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** Explainable routing: what was considered, in which order, and why. */
@Entity({ tableName: 'routing_decisions' })
@Index({ properties: ['itemId', 'at'] })
export class RoutingDecisionRecord {
  [OptionalProps]?: 'at' | 'offeredTo';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  itemId!: string;

  @Property({ type: 'text' })
  kind!: 'call' | 'request';

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at: Date = new Date();

  @Property({ type: 'text' })
  strategy!: string;

  @Property({ type: 'text' })
  trigger!: string;

  @Property({ type: 'json' })
  candidates!: unknown;

  @Property({ type: 'json' })
  ordered!: string[];

  @Property({ type: 'json' })
  offeredTo: string[] = [];

  @Property({ type: 'text' })
  reason!: string;
}
