import { randomUUID } from 'node:crypto';
import { ArrayType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { UserRole } from '@/common/auth/roles';

/** A supervisor's message to every active person with the given roles. */
@Entity({ tableName: 'broadcasts' })
export class Broadcast {
  [OptionalProps]?: 'critical' | 'requireAck' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  createdBy!: string;

  @Property({ type: 'text' })
  text!: string;

  @Property({ type: 'boolean' })
  critical: boolean = false;

  @Property({ type: 'boolean' })
  requireAck: boolean = false;

  @Property({ type: ArrayType, columnType: 'text[]' })
  roles: UserRole[] = [];

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
