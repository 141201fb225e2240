import { randomUUID } from 'node:crypto';
import { Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

@Entity({ tableName: 'chat_messages' })
@Unique({ properties: ['senderId', 'clientMsgId'] })
@Index({ properties: ['roomId', 'createdAt', 'id'] })
export class ChatMessage {
  [OptionalProps]?: 'replyTo' | 'createdAt' | 'editedAt' | 'deletedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  roomId!: string;

  @Property({ type: 'uuid' })
  senderId!: string;

  /** The sender's own id for the message: a resend with the same id stores nothing new. */
  @Property({ type: 'text' })
  clientMsgId!: string;

  @Property({ type: 'text' })
  text!: string;

  @Property({ type: 'uuid', nullable: true })
  replyTo: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  editedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deletedAt: Date | null = null;
}
