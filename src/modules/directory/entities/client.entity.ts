import { randomUUID } from 'node:crypto';
import {
  ArrayType,
  Collection,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToMany,
  PrimaryKey,
  Property,
  OptionalProps,
} from '@mikro-orm/core';
import { User } from '@/modules/staff/entities/user.entity';
import { ContactPerson } from '@/modules/directory/entities/contact-person.entity';

export const CLIENT_KINDS = ['client', 'partner', 'dealer', 'supplier', 'competitor'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

@Entity({ tableName: 'clients' })
@Index({
  name: 'clients_phones_gin',
  expression: 'create index "clients_phones_gin" on "clients" using gin ("phones")',
})
export class Client {
  [OptionalProps]?: 'kind' | 'phones' | 'emails' | 'curator' | 'note' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  @Index()
  name!: string;

  @Enum({ items: () => CLIENT_KINDS, nativeEnumName: 'client_kind' })
  kind: ClientKind = 'client';

  /** E.164, normalised on write so look-ups by caller number are exact matches. */
  @Property({ type: ArrayType, columnType: 'text[]' })
  phones: string[] = [];

  @Property({ type: ArrayType, columnType: 'text[]' })
  emails: string[] = [];

  /** The responsible manager: first in line for this client's calls under curator-first. */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  @Index()
  curator: User | null = null;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @OneToMany(() => ContactPerson, (contact) => contact.client)
  contacts = new Collection<ContactPerson>(this);

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
