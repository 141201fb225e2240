import { Entity, Enum, OptionalProps, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

export const CHAT_MEMBER_ROLES = ['owner', 'member'] as const;
export type ChatMemberRole = (typeof CHAT_MEMBER_ROLES)[number];

@Entity({ tableName: 'chat_members' })
export class ChatMember {
  [PrimaryKeyProp]?: ['roomId', 'userId'];
  [OptionalProps]?: 'role' | 'lastReadMessageId' | 'lastReadAt' | 'joinedAt';

  @PrimaryKey({ type: 'uuid' })
  roomId!: string;

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Enum({ items: () => CHAT_MEMBER_ROLES, type: 'text' })
  role: ChatMemberRole = 'member';

  @Property({ type: 'uuid', nullable: true })
  lastReadMessageId: string | null = null;

  /** The read message's created_at, kept beside its id so unread counts need no join. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastReadAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  joinedAt: Date = new Date();
}
