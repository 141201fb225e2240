import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TELEPHONY_EVENT_TYPES } from '@/modules/calls/telephony-event';

/** Documentation only: the body is checked event by event, see parseTelephonyEvent. */
export class TelephonyEventDto {
  @ApiProperty({ maxLength: 200, description: 'idempotency key' }) id!: string;
  @ApiProperty({ maxLength: 200, description: 'ties the events of one call together' })
  callId!: string;
  @ApiProperty({ enum: TELEPHONY_EVENT_TYPES }) type!: string;
  @ApiProperty({ example: '2026-11-28T09:15:00+03:00', description: 'ISO-8601 with an offset' })
  at!: string;
  @ApiProperty({ description: 'line code' }) line!: string;
  @ApiProperty({ description: 'caller number as the PBX reports it; empty when withheld' })
  from!: string;
  @ApiPropertyOptional() to?: string;
  @ApiPropertyOptional({ description: 'queue code' }) queue?: string;
  @ApiPropertyOptional({ description: 'staff extension or username' }) agent?: string;
}

export const TELEPHONY_RESULT_STATUSES = ['accepted', 'duplicate', 'rejected'] as const;
export type TelephonyResultStatus = (typeof TELEPHONY_RESULT_STATUSES)[number];

export class TelephonyEventResultDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'null when the event had no usable id',
  })
  id!: string | null;
  @ApiProperty({ enum: TELEPHONY_RESULT_STATUSES }) status!: TelephonyResultStatus;
  @ApiPropertyOptional({ description: 'why the event was rejected' }) reason?: string;
}

export class TelephonyBatchResultDto {
  @ApiProperty({ type: TelephonyEventResultDto, isArray: true, description: 'in input order' })
  results!: TelephonyEventResultDto[];
}
