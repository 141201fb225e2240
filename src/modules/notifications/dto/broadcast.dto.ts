import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
} from 'class-validator';
import { USER_ROLES, UserRole } from '@/common/auth/roles';

export class CreateBroadcastDto {
  @ApiProperty() @IsString() @Length(1, 4000) text!: string;

  @ApiPropertyOptional({ description: 'ignores mutes and do-not-disturb' })
  @IsOptional()
  @IsBoolean()
  critical?: boolean;

  @ApiPropertyOptional({ description: 're-notify every BROADCAST_RENOTIFY_SECONDS until acked' })
  @IsOptional()
  @IsBoolean()
  requireAck?: boolean;

  @ApiPropertyOptional({ enum: USER_ROLES, isArray: true, description: 'default: all staff' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles?: UserRole[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: "only this queue's members (with `roles`: members having one of those roles)",
  })
  @IsOptional()
  @IsUUID()
  queueId?: string;
}

export class BroadcastAckDto {
  @IsUUID() broadcastId!: string;
}

export class BroadcastRecipientDto {
  @ApiProperty() userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ nullable: true, type: String }) ackedAt!: string | null;
}

export class BroadcastDto {
  @ApiProperty() id!: string;
  @ApiProperty() text!: string;
  @ApiProperty() critical!: boolean;
  @ApiProperty() requireAck!: boolean;
  @ApiProperty({ enum: USER_ROLES, isArray: true }) roles!: UserRole[];
  @ApiProperty({ nullable: true, type: String, description: 'set when sent to a queue' })
  queueId!: string | null;
  @ApiProperty({ nullable: true, type: String }) queueName!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: [BroadcastRecipientDto] }) recipients!: BroadcastRecipientDto[];
  @ApiProperty() acknowledged!: number;
  @ApiProperty() pending!: number;
}

export class BroadcastAckResultDto {
  @ApiProperty() broadcastId!: string;
  @ApiProperty() ackedAt!: string;
}
