import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import {
  STAFF_STATES,
  STAFF_STATUSES,
  StaffPresence,
  StaffState,
  StaffStatus,
} from '@/modules/staff/entities/staff-presence.entity';

export class SetStatusDto {
  @ApiProperty({ enum: STAFF_STATUSES })
  @IsIn(STAFF_STATUSES)
  status!: StaffStatus;

  @ApiPropertyOptional({ description: 'why, for a break (lunch, training, …)' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  reason?: string;
}

export class PresenceDto {
  @ApiProperty() userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: STAFF_STATUSES }) status!: StaffStatus;
  @ApiProperty({ nullable: true, type: String }) breakReason!: string | null;
  @ApiProperty({ enum: STAFF_STATES }) state!: StaffState;
  @ApiProperty() stateSince!: string;
  @ApiProperty({ nullable: true, type: String }) idleSince!: string | null;
  @ApiProperty({ nullable: true, type: String }) currentCallId!: string | null;

  static from(p: StaffPresence): PresenceDto {
    return {
      userId: p.user.id,
      username: p.user.username,
      displayName: p.user.displayName,
      status: p.status,
      breakReason: p.breakReason,
      state: p.state,
      stateSince: p.stateSince.toISOString(),
      idleSince: p.idleSince?.toISOString() ?? null,
      currentCallId: p.currentCallId,
    };
  }
}
