import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The last seq handed out per user. Allocation updates this row inside the transaction that
 * writes the event, so the row lock orders writers per user and a rollback returns the number:
 * seqs are gapless and commit in seq order.
 */
@Entity({ tableName: 'user_seq' })
export class UserSeq {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: new BigIntType('number') })
  lastSeq!: number;
}
