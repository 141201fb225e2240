import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

export const OFFER_STATUSES = ['pending', 'accepted', 'declined', 'expired', 'cancelled'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/**
 * One offer of one work item to one person. Partial unique indexes (in the migration) make
 * "one pending offer per item" and "one pending call offer per person" hold in PostgreSQL itself,
 * whichever process routes.
 */
@Entity({ tableName: 'offers' })
@Index({ properties: ['itemId', 'createdAt'] })
export class Offer {
  [OptionalProps]?: 'status' | 'createdAt' | 'resolvedAt' | 'ringGroup';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  kind!: 'call' | 'request';

  @Property({ type: 'uuid' })
  itemId!: string;

  @Property({ type: 'uuid' })
  staffId!: string;

  @Enum({ items: () => OFFER_STATUSES, nativeEnumName: 'offer_status' })
  status: OfferStatus = 'pending';

  /** Offers made together by ring-all share a group; accepting one cancels the others. */
  @Property({ type: 'uuid', nullable: true })
  ringGroup: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  resolvedAt: Date | null = null;
}
