import { Entity, OptionalProps, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/** Who a broadcast went to and when each acknowledged it; re-notification reads the gaps. */
@Entity({ tableName: 'broadcast_recipients' })
export class BroadcastRecipient {
  [PrimaryKeyProp]?: ['broadcastId', 'userId'];
  [OptionalProps]?: 'ackedAt';

  @PrimaryKey({ type: 'uuid' })
  broadcastId!: string;

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  ackedAt: Date | null = null;
}
