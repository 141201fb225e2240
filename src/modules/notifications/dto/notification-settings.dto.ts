import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { NOTIFICATION_KINDS, NotificationKind } from '@/modules/notifications/notifications.events';

export class KindSettingDto {
  @ApiProperty() @IsBoolean() inApp!: boolean;
}

/** One optional entry per kind; an unknown kind is refused by the whitelist. */
export class KindSettingsDto implements Partial<Record<NotificationKind, KindSettingDto>> {
  @ApiPropertyOptional({ type: KindSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KindSettingDto)
  offer?: KindSettingDto;

  @ApiPropertyOptional({ type: KindSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KindSettingDto)
  assignment?: KindSettingDto;

  @ApiPropertyOptional({ type: KindSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KindSettingDto)
  'missed-call'?: KindSettingDto;

  @ApiPropertyOptional({ type: KindSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KindSettingDto)
  'stage-overdue'?: KindSettingDto;

  @ApiPropertyOptional({ type: KindSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KindSettingDto)
  mention?: KindSettingDto;

  @ApiPropertyOptional({ type: KindSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KindSettingDto)
  broadcast?: KindSettingDto;

  @ApiPropertyOptional({ type: KindSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KindSettingDto)
  threshold?: KindSettingDto;

  @ApiPropertyOptional({ type: KindSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KindSettingDto)
  'planner-reminder'?: KindSettingDto;

  @ApiPropertyOptional({ type: KindSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KindSettingDto)
  'planner-overdue'?: KindSettingDto;
}

export class UpdateNotificationSettingsDto {
  @ApiPropertyOptional({ type: KindSettingsDto, description: 'only the kinds to change' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => KindSettingsDto)
  kinds?: KindSettingsDto;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'ISO time, or null to end' })
  @IsOptional()
  @IsISO8601({ strict: true })
  doNotDisturbUntil?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    minimum: 0,
    maximum: 1440,
    description:
      'minutes before a planned contact starts to be reminded (0: at the start); null: the default',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1440)
  plannerLeadMinutes?: number | null;
}

export class NotificationSettingsDto {
  @ApiProperty({
    description: `every kind (${NOTIFICATION_KINDS.join(', ')}) with its in-app switch`,
  })
  kinds!: Record<NotificationKind, { inApp: boolean }>;

  @ApiProperty({ nullable: true, type: String }) doNotDisturbUntil!: string | null;

  @ApiProperty({ nullable: true, type: Number, description: 'own choice; null: the default' })
  plannerLeadMinutes!: number | null;

  @ApiProperty({ description: 'the reminder lead in force, in seconds' })
  plannerLeadSeconds!: number;
}
