import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import { PageQueryDto } from '@/common/pagination/page.dto';
import { OptionalNotNull } from '@/modules/directory/dto/field-rules';
import {
  PLANNED_KINDS,
  PLANNED_ORIGINS,
  PLANNED_STATUSES,
  PlannedContact,
  PlannedKind,
  PlannedOrigin,
  PlannedStatus,
} from '@/modules/planner/entities/planned-contact.entity';
import type { PlannedContactView } from '@/modules/planner/planner.events';
import { isOverdue } from '@/modules/planner/planner-rules';

export const MAX_DURATION_MINUTES = 7 * 24 * 60;

const Time = (description: string) =>
  applyDecorators(
    ApiProperty({ description: `${description} (ISO-8601 with offset)` }),
    IsString(),
    IsISO8601({ strict: true }),
  );

export class CreatePlannedContactDto {
  @ApiPropertyOptional({ description: 'the person who will do it; default: oneself' })
  @OptionalNotNull()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional() @OptionalNotNull() @IsUUID() clientId?: string;

  @ApiPropertyOptional({ description: 'a contact person of the client' })
  @OptionalNotNull()
  @IsUUID()
  contactId?: string;

  @ApiProperty({ enum: PLANNED_KINDS })
  @IsIn(PLANNED_KINDS)
  kind!: PlannedKind;

  @ApiProperty({ example: 'Call back about the contract' })
  @IsString()
  @Length(1, 200)
  subject!: string;

  @ApiPropertyOptional() @OptionalNotNull() @IsString() @Length(1, 10_000) note?: string;

  @Time('planned start; for a task or e-mail, its due time')
  startsAt!: string;

  @ApiPropertyOptional({
    description: 'calls and meetings (default 15 for calls, 60 for meetings); ignored for tasks',
    minimum: 1,
    maximum: MAX_DURATION_MINUTES,
  })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_DURATION_MINUTES)
  durationMinutes?: number;

  @ApiPropertyOptional({ description: 'calls.id this plan follows from' })
  @OptionalNotNull()
  @IsUUID()
  followsCallId?: string;

  @ApiPropertyOptional({ description: 'requests.id this plan follows from (a request stage)' })
  @OptionalNotNull()
  @IsUUID()
  followsRequestId?: string;

  @ApiPropertyOptional({
    description:
      'request_stages.id this plan is made in (a stage of a request); implies followsRequestId',
  })
  @OptionalNotNull()
  @IsUUID()
  followsRequestStageId?: string;

  @ApiPropertyOptional({ description: 'another planned contact this one follows from' })
  @OptionalNotNull()
  @IsUUID()
  followsPlannedId?: string;
}

/** "Plan a call back" from a call: the client and the call come from the call. */
export class PlanCallbackDto {
  @ApiPropertyOptional({ description: 'default: oneself' })
  @OptionalNotNull()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ description: 'default: now' })
  @OptionalNotNull()
  @IsString()
  @IsISO8601({ strict: true })
  startsAt?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_DURATION_MINUTES, default: 15 })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_DURATION_MINUTES)
  durationMinutes?: number;

  @ApiPropertyOptional() @OptionalNotNull() @IsString() @Length(1, 200) subject?: string;
  @ApiPropertyOptional() @OptionalNotNull() @IsString() @Length(1, 10_000) note?: string;
}

/** What may change without moving the plan in time (moving it is a postponement). */
export class UpdatePlannedContactDto {
  @ApiPropertyOptional({ description: 'hand it to someone else (receptionists, supervisors)' })
  @OptionalNotNull()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsUUID() clientId?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsUUID() contactId?: string | null;

  @ApiPropertyOptional({ enum: PLANNED_KINDS })
  @OptionalNotNull()
  @IsIn(PLANNED_KINDS)
  kind?: PlannedKind;

  @ApiPropertyOptional() @OptionalNotNull() @IsString() @Length(1, 200) subject?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 10_000)
  note?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_DURATION_MINUTES })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_DURATION_MINUTES)
  durationMinutes?: number;
}

export class ListPlannedContactsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'default for agents: themselves (and only themselves)' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID() clientId?: string;

  @ApiPropertyOptional({ enum: PLANNED_STATUSES })
  @IsOptional()
  @IsIn(PLANNED_STATUSES)
  status?: PlannedStatus;

  @ApiPropertyOptional({ description: 'plans starting at or after (ISO-8601)' })
  @IsOptional()
  @IsString()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'plans starting before (ISO-8601)' })
  @IsOptional()
  @IsString()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'only open plans past their due time' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  overdue?: boolean;
}

/** A reason from the admin's list, free text, or both. */
export class ReasonDto {
  @ApiPropertyOptional({ description: 'planner_reasons.id' })
  @OptionalNotNull()
  @IsUUID()
  reasonId?: string;

  @ApiPropertyOptional({ description: 'free text (with or instead of reasonId)' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 1000)
  reasonText?: string;

  @ApiPropertyOptional() @OptionalNotNull() @IsString() @Length(1, 10_000) note?: string;
}

export class PostponeDto extends ReasonDto {
  @Time('the new start') startsAt!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_DURATION_MINUTES })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_DURATION_MINUTES)
  durationMinutes?: number;
}

export class DoneDto {
  @ApiPropertyOptional({
    description:
      'calls.id of the call that did it; without it a planned call links the latest call of the client since it was planned',
  })
  @OptionalNotNull()
  @IsUUID()
  callId?: string;

  @ApiPropertyOptional() @OptionalNotNull() @IsString() @Length(1, 10_000) note?: string;
}

export class PlannedContactDto implements PlannedContactView {
  @ApiProperty() id!: string;
  @ApiProperty() assigneeId!: string;
  @ApiProperty({ nullable: true, type: String }) clientId!: string | null;
  @ApiProperty({ nullable: true, type: String }) contactId!: string | null;
  @ApiProperty({ enum: PLANNED_KINDS }) kind!: PlannedKind;
  @ApiProperty() subject!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty() startsAt!: string;
  @ApiProperty({ nullable: true, type: Number }) durationMinutes!: number | null;
  @ApiProperty({ description: 'end of the window for calls and meetings' }) dueAt!: string;
  @ApiProperty({ description: 'the first due time, before any postponement' })
  firstDueAt!: string;
  @ApiProperty({ enum: PLANNED_STATUSES }) status!: PlannedStatus;
  @ApiProperty({ description: 'open and past its due time' }) overdue!: boolean;
  @ApiProperty({ enum: PLANNED_ORIGINS }) origin!: PlannedOrigin;
  @ApiProperty({ nullable: true, type: String }) followsCallId!: string | null;
  @ApiProperty({ nullable: true, type: String }) followsRequestId!: string | null;
  @ApiProperty({ nullable: true, type: String }) followsRequestStageId!: string | null;
  @ApiProperty({ nullable: true, type: String }) followsPlannedId!: string | null;
  @ApiProperty({ nullable: true, type: String }) resultCallId!: string | null;
  @ApiProperty({ nullable: true, type: String }) reasonId!: string | null;
  @ApiProperty({ nullable: true, type: String }) reasonText!: string | null;
  @ApiProperty() postponeCount!: number;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) createdById!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(plan: PlannedContact, now = new Date()): PlannedContactDto {
    return {
      id: plan.id,
      assigneeId: plan.assignee.id,
      clientId: plan.client?.id ?? null,
      contactId: plan.contact?.id ?? null,
      kind: plan.kind,
      subject: plan.subject,
      note: plan.note,
      startsAt: plan.startsAt.toISOString(),
      durationMinutes: plan.durationMinutes,
      dueAt: plan.dueAt.toISOString(),
      firstDueAt: plan.firstDueAt.toISOString(),
      status: plan.status,
      overdue: isOverdue(plan.status, plan.dueAt, now),
      origin: plan.origin,
      followsCallId: plan.followsCall?.id ?? null,
      followsRequestId: plan.followsRequest?.id ?? null,
      followsRequestStageId: plan.followsRequestStage?.id ?? null,
      followsPlannedId: plan.followsPlanned?.id ?? null,
      resultCallId: plan.resultCall?.id ?? null,
      reasonId: plan.reason?.id ?? null,
      reasonText: plan.reasonText,
      postponeCount: plan.postponeCount,
      closedAt: plan.closedAt?.toISOString() ?? null,
      createdById: plan.createdBy?.id ?? null,
      createdAt: plan.createdAt.toISOString(),
      updatedAt: plan.updatedAt.toISOString(),
    };
  }
}

export class PlanHistoryItemDto {
  @ApiProperty() action!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ nullable: true, type: String }) fromStartsAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) toStartsAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) reasonId!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) reasonText!: string | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
}

export class PlannedContactDetailDto extends PlannedContactDto {
  @ApiProperty({ type: PlanHistoryItemDto, isArray: true, description: 'oldest first' })
  history!: PlanHistoryItemDto[];
}

export const CHAIN_ITEM_TYPES = ['call', 'request', 'planned'] as const;
export type ChainItemType = (typeof CHAIN_ITEM_TYPES)[number];

export class ChainLinkDto {
  @ApiProperty({ enum: CHAIN_ITEM_TYPES }) type!: ChainItemType;
  @ApiProperty() id!: string;
}

export class ChainItemDto {
  @ApiProperty({ enum: CHAIN_ITEM_TYPES }) type!: ChainItemType;
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'arrival, creation or planned start' }) at!: string;
  @ApiProperty({ description: 'call status, request status or plan status' }) status!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) personId!: string | null;
  @ApiProperty({ type: ChainLinkDto, nullable: true, description: 'what it follows from' })
  follows!: ChainLinkDto | null;
  @ApiProperty({ type: ChainLinkDto, isArray: true, description: 'what follows from it' })
  followedBy!: ChainLinkDto[];
}

export class ClientChainDto {
  @ApiProperty() clientId!: string;
  @ApiProperty({ type: ChainItemDto, isArray: true, description: 'oldest first' })
  items!: ChainItemDto[];
}

export class CalendarTokenDto {
  @ApiProperty({ description: 'shown only here; the server keeps its hash' }) token!: string;
  @ApiProperty({ description: 'the feed path with the token, relative to the server' })
  path!: string;
  @ApiProperty() createdAt!: string;
}

export class PlannerSettingsDto {
  @ApiProperty({ description: "the server's zone: plans are shown and entered in it" })
  timeZone!: string;
  @ApiProperty({ description: '"call now" can ring through the PBX (connector in control mode)' })
  callNow!: boolean;
}

export class CallNowDto {
  @ApiProperty({ description: 'the extension the PBX rings first' }) extension!: string;
  @ApiProperty({ description: 'the number dialled once it answers (E.164)' }) number!: string;
}
