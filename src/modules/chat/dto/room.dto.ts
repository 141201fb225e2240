import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  IsUUID,
  Length,
  ValidateIf,
} from 'class-validator';
import {
  CHAT_CONTEXT_TYPES,
  CHAT_ROOM_KINDS,
  ChatContextType,
  ChatRoomKind,
} from '@/modules/chat/chat.events';

export const MAX_ROOM_MEMBERS = 500;

export class CreateRoomDto {
  @ApiProperty({ enum: CHAT_ROOM_KINDS })
  @IsIn(CHAT_ROOM_KINDS)
  kind!: ChatRoomKind;

  @ApiPropertyOptional({ description: 'required for a group room' })
  @ValidateIf((o: CreateRoomDto) => o.kind === 'group' || o.title !== undefined)
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({ enum: CHAT_CONTEXT_TYPES, description: 'required for a context room' })
  @ValidateIf((o: CreateRoomDto) => o.kind === 'context' || o.contextType !== undefined)
  @IsIn(CHAT_CONTEXT_TYPES)
  contextType?: ChatContextType;

  @ApiPropertyOptional({ description: 'the call, request or client id; required for context' })
  @ValidateIf((o: CreateRoomDto) => o.kind === 'context' || o.contextId !== undefined)
  @IsUUID()
  contextId?: string;

  @ApiProperty({
    type: [String],
    description: 'the other person for a direct room; the others for a group or context room',
  })
  @IsArray()
  @ArrayMaxSize(MAX_ROOM_MEMBERS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  memberIds!: string[];
}

export class RoomDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: CHAT_ROOM_KINDS }) kind!: ChatRoomKind;
  @ApiProperty({ nullable: true, type: String }) title!: string | null;
  @ApiProperty({ enum: CHAT_CONTEXT_TYPES, nullable: true }) contextType!: ChatContextType | null;
  @ApiProperty({ nullable: true, type: String }) contextId!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: [String] }) memberIds!: string[];
  @ApiProperty({ description: "messages from others after the caller's read position" })
  unread!: number;
  @ApiProperty({ nullable: true, type: String }) lastMessageAt!: string | null;
}

export class PresenceMapDto {
  @ApiProperty({
    description: 'userId → online | away | offline',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  presence!: Record<string, string>;
}

export class MemberParamsDto {
  @IsUUID() id!: string;
  @IsUUID() userId!: string;
}
