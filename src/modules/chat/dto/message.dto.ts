import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  isString,
  IsUUID,
  isUUID,
  Length,
  length,
  Max,
  Min,
} from 'class-validator';
import { isPlainWith, validatorFor } from '@/common/pipes/validation.pipe';
import type { ChatMessageView, PresenceStatus } from '@/modules/chat/chat.events';

/** A chat_messages row as the raw queries of the chat feature select it. */
export interface MessageRow {
  id: string;
  room_id: string;
  sender_id: string;
  client_msg_id: string;
  text: string;
  reply_to: string | null;
  /** timestamptz as PostgreSQL prints it. */
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
}

const isoOrNull = (value: string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

// Text length is not validated here: the service answers MESSAGE_TOO_LONG, a code clients handle.
export class SendMessageDto {
  @IsUUID() roomId!: string;

  /** Chosen by the client per message; sending it again returns the first acknowledgement. */
  @IsString() @Length(1, 100) clientMsgId!: string;

  @IsString() @Length(1, 100_000) text!: string;

  @IsOptional() @IsUUID() replyTo?: string;
}

const SEND_KEYS: ReadonlySet<string> = new Set(['roomId', 'clientMsgId', 'text', 'replyTo']);

/** `chat.send`'s validation: the rules above, checked by hand on the common path. */
export const parseSendMessage = validatorFor(SendMessageDto, (value) => {
  if (!isPlainWith(value, SEND_KEYS)) return undefined;
  const { roomId, clientMsgId, text, replyTo } = value;
  const valid =
    isUUID(roomId) &&
    isString(clientMsgId) &&
    length(clientMsgId, 1, 100) &&
    isString(text) &&
    length(text, 1, 100_000) &&
    (replyTo === undefined || replyTo === null || isUUID(replyTo));
  return valid ? Object.assign(new SendMessageDto(), value) : undefined;
});

export class EditMessageDto {
  @ApiProperty() @IsString() @Length(1, 100_000) text!: string;
}

export class SocketEditMessageDto extends EditMessageDto {
  @IsUUID() messageId!: string;
}

export class MessageRefDto {
  @IsUUID() messageId!: string;
}

export class RoomRefDto {
  @IsUUID() roomId!: string;
}

export class ReadPositionDto {
  @IsUUID() roomId!: string;
  @IsUUID() messageId!: string;
}

export class SetPresenceDto {
  @IsIn(['online', 'away']) status!: Exclude<PresenceStatus, 'offline'>;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ description: 'a message id: return messages older than it' })
  @IsOptional()
  @IsUUID()
  before?: string;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}

export class MessageDto implements ChatMessageView {
  @ApiProperty() id!: string;
  @ApiProperty() roomId!: string;
  @ApiProperty() senderId!: string;
  @ApiProperty() clientMsgId!: string;
  @ApiProperty({ description: 'empty once deleted' }) text!: string;
  @ApiProperty({ nullable: true, type: String }) replyTo!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) editedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) deletedAt!: string | null;

  static from(m: MessageRow): MessageDto {
    return {
      id: m.id,
      roomId: m.room_id,
      senderId: m.sender_id,
      clientMsgId: m.client_msg_id,
      text: m.deleted_at ? '' : m.text,
      replyTo: m.reply_to,
      createdAt: new Date(m.created_at).toISOString(),
      editedAt: isoOrNull(m.edited_at),
      deletedAt: isoOrNull(m.deleted_at),
    };
  }
}

export class HistoryPageDto {
  @ApiProperty({ type: [MessageDto], description: 'newest first' }) items!: MessageDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as `before` for older ones' })
  nextBefore!: string | null;
}

export class PresenceQueryDto {
  @ApiProperty({ description: 'comma-separated user ids (at most 200)' })
  @IsString()
  @Length(36, 200 * 37)
  userIds!: string;
}
