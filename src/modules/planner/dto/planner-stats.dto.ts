import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { StatsPeriodQueryDto } from '@/modules/stats/dto/stats-query.dto';
import type {
  PersonStatsRow,
  ReasonStatsRow,
  UnfinishedContactRow,
} from '@/modules/planner/planner.repository';

export const PLANNER_CSV_SECTIONS = ['people', 'reasons', 'unfinished'] as const;
export type PlannerCsvSection = (typeof PLANNER_CSV_SECTIONS)[number];

export class PlannerStatsQueryDto extends StatsPeriodQueryDto {
  @ApiPropertyOptional({ description: 'one person only' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'or `Accept: text/csv`' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({ enum: PLANNER_CSV_SECTIONS, default: 'people', description: 'CSV only' })
  @IsOptional()
  @IsIn(PLANNER_CSV_SECTIONS)
  section?: PlannerCsvSection;
}

export class PlannerPersonStatsDto implements PersonStatsRow {
  @ApiProperty() assigneeId!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ description: 'plans whose first due time is in the range' }) planned!: number;
  @ApiProperty({ description: 'done by the first due time' }) doneOnTime!: number;
  @ApiProperty({ description: 'done after the first due time' }) doneLate!: number;
  @ApiProperty({ description: 'postponements (a plan postponed twice counts 2)' })
  postponed!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty({ description: 'open and past the due time now' }) overdueNow!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'median of (done − first due), 0 when on time; null when nothing was done',
  })
  medianDelayMinutes!: number | null;
}

export class PlannerReasonStatsDto implements ReasonStatsRow {
  @ApiProperty() assigneeId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ nullable: true, type: String }) reasonId!: string | null;
  @ApiProperty({ description: "the reason's label, or (free text)" }) reason!: string;
  @ApiProperty() postponed!: number;
  @ApiProperty() failed!: number;
}

export class UnfinishedContactDto implements UnfinishedContactRow {
  @ApiProperty() callId!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty({ enum: ['missed', 'abandoned'] }) outcome!: string;
  @ApiProperty() arrivedAt!: string;
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty({ nullable: true, type: String }) clientId!: string | null;
  @ApiProperty({ nullable: true, type: String }) clientName!: string | null;
  @ApiProperty({ nullable: true, type: String }) curatorId!: string | null;
  @ApiProperty({ description: 'minutes since it arrived' }) ageMinutes!: number;
  @ApiProperty({ nullable: true, type: String }) callbackPlanId!: string | null;
  @ApiProperty({ nullable: true, type: String }) callbackAssigneeId!: string | null;
  @ApiProperty({ nullable: true, type: String }) callbackDueAt!: string | null;
}

export class PlannerStatsDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() tz!: string;
  @ApiProperty() generatedAt!: string;
  @ApiProperty({ type: PlannerPersonStatsDto, isArray: true }) people!: PlannerPersonStatsDto[];
  @ApiProperty({ type: PlannerReasonStatsDto, isArray: true }) reasons!: PlannerReasonStatsDto[];
  @ApiProperty({
    type: UnfinishedContactDto,
    isArray: true,
    description: 'missed or abandoned calls arrived in the range and not called back, oldest first',
  })
  unfinished!: UnfinishedContactDto[];
}

export const PLANNER_CSV_COLUMNS = {
  people: [
    'assigneeId',
    'username',
    'displayName',
    'planned',
    'doneOnTime',
    'doneLate',
    'postponed',
    'failed',
    'cancelled',
    'overdueNow',
    'medianDelayMinutes',
  ],
  reasons: ['assigneeId', 'username', 'reasonId', 'reason', 'postponed', 'failed'],
  unfinished: [
    'callId',
    'externalId',
    'outcome',
    'arrivedAt',
    'from',
    'clientId',
    'clientName',
    'curatorId',
    'ageMinutes',
    'callbackPlanId',
    'callbackAssigneeId',
    'callbackDueAt',
  ],
} as const satisfies {
  people: readonly (keyof PlannerPersonStatsDto)[];
  reasons: readonly (keyof PlannerReasonStatsDto)[];
  unfinished: readonly (keyof UnfinishedContactDto)[];
};
