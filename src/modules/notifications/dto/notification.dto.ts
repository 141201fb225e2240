import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import {
  NOTIFICATION_KINDS,
  NotificationKind,
  NotificationView,
} from '@/modules/notifications/notifications.events';

/** A notifications row as the feature's raw queries select it. */
export interface NotificationRow {
  id: string;
  user_id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  data: Record<string, unknown>;
  critical: boolean;
  /** timestamptz as PostgreSQL prints it (exact to the microsecond, used in cursors). */
  created_at: string;
  read_at: string | null;
  archived_at: string | null;
  remind_count: number;
  reminded_at: string | null;
}

export const isoOrNull = (value: string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class InboxQueryDto {
  @ApiPropertyOptional({ description: 'only unread ones' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional({ description: 'the archive instead of the inbox' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  archived?: boolean;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}

export class NotificationDto implements NotificationView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind!: NotificationKind;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: Object }) data!: Record<string, unknown>;
  @ApiProperty() critical!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) readAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) archivedAt!: string | null;
  @ApiProperty({ description: 'reminder rounds that re-surfaced it' }) remindCount!: number;
  @ApiProperty({ nullable: true, type: String }) remindedAt!: string | null;

  static from(row: NotificationRow): NotificationDto {
    return {
      id: row.id,
      kind: row.kind,
      title: row.title,
      body: row.body,
      data: row.data,
      critical: row.critical,
      createdAt: new Date(row.created_at).toISOString(),
      readAt: isoOrNull(row.read_at),
      archivedAt: isoOrNull(row.archived_at),
      remindCount: row.remind_count,
      remindedAt: isoOrNull(row.reminded_at),
    };
  }
}

export class InboxPageDto {
  @ApiProperty({ type: [NotificationDto], description: 'newest first' }) items!: NotificationDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class UnreadCountDto {
  @ApiProperty() count!: number;
}
