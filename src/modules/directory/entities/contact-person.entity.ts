import { randomUUID } from 'node:crypto';
import {
  ArrayType,
  Entity,
  Index,
  ManyToOne,
  PrimaryKey,
  Property,
  OptionalProps,
} from '@mikro-orm/core';
import type { Client } from '@/modules/directory/entities/client.entity';

@Entity({ tableName: 'contact_persons' })
@Index({
  name: 'contact_persons_phones_gin',
  expression: 'create index "contact_persons_phones_gin" on "contact_persons" using gin ("phones")',
})
export class ContactPerson {
  [OptionalProps]?: 'position' | 'phones' | 'emails' | 'priority' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: 'Client', deleteRule: 'cascade' })
  @Index()
  client!: Client;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  position: string | null = null;

  @Property({ type: ArrayType, columnType: 'text[]' })
  phones: string[] = [];

  @Property({ type: ArrayType, columnType: 'text[]' })
  emails: string[] = [];

  /** Higher first: when several contacts share a number, the highest priority one is shown. */
  @Property({ type: 'integer' })
  priority: number = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
