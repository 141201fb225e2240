import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import {
  CHAT_CONTEXT_TYPES,
  CHAT_ROOM_KINDS,
  ChatContextType,
  ChatRoomKind,
} from '@/modules/chat/chat.events';

@Entity({ tableName: 'chat_rooms' })
export class ChatRoom {
  [OptionalProps]?: 'title' | 'contextType' | 'contextId' | 'directKey' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Enum({ items: () => CHAT_ROOM_KINDS, type: 'text' })
  kind!: ChatRoomKind;

  @Property({ type: 'text', nullable: true })
  title: string | null = null;

  @Enum({ items: () => CHAT_CONTEXT_TYPES, type: 'text', nullable: true })
  contextType: ChatContextType | null = null;

  @Property({ type: 'uuid', nullable: true })
  contextId: string | null = null;

  @Property({ type: 'uuid' })
  createdBy!: string;

  /** The two member ids, sorted and joined: one direct room per pair, whoever races. */
  @Property({ type: 'text', nullable: true, unique: true })
  directKey: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
