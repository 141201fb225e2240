import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsISO8601, IsObject, IsOptional, ValidateNested } from 'class-validator';
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
}

export class NotificationSettingsDto {
  @ApiProperty({
    description: `every kind (${NOTIFICATION_KINDS.join(', ')}) with its in-app switch`,
  })
  kinds!: Record<NotificationKind, { inApp: boolean }>;

  @ApiProperty({ nullable: true, type: String }) doNotDisturbUntil!: string | null;
}
