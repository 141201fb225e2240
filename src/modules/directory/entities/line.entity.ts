import { randomUUID } from 'node:crypto';
import { Entity, PrimaryKey, Property, OptionalProps } from '@mikro-orm/core';

/** An inbound phone line, trunk group or DID; `channels` is how many calls it carries at once. */
@Entity({ tableName: 'lines' })
export class Line {
  [OptionalProps]?: 'number' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Unique ignoring case (`lines_code_lower_unique` on `lower(code)`, see the migration). */
  @Property({ type: 'text' })
  code!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  number: string | null = null;

  @Property({ type: 'integer' })
  channels!: number;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
