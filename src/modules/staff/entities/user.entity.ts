import { randomUUID } from 'node:crypto';
import { ArrayType, Entity, PrimaryKey, Property, OptionalProps } from '@mikro-orm/core';
import type { UserRole } from '@/common/auth/roles';

@Entity({ tableName: 'users' })
export class User {
  [OptionalProps]?: 'roles' | 'extension' | 'active' | 'tokenVersion' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Stored lower-case so log-in is case-insensitive and uniqueness holds across spellings. */
  @Property({ type: 'text', unique: true })
  username!: string;

  @Property({ type: 'text' })
  displayName!: string;

  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  @Property({ type: ArrayType, columnType: 'text[]' })
  roles: UserRole[] = [];

  /** Telephony extension; connectors name agents by extension or username. */
  @Property({ type: 'text', nullable: true, unique: true })
  extension: string | null = null;

  @Property({ type: 'boolean' })
  active: boolean = true;

  /**
   * Carried in every access token; a token of another version is refused. Bumped on
   * deactivation, password change and "sign out everywhere".
   */
  @Property({ type: 'integer', hidden: true })
  tokenVersion: number = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
