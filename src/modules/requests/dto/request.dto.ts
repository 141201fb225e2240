import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '@/common/pagination/page.dto';
import { CODE_MESSAGE, CODE_PATTERN, OptionalNotNull } from '@/modules/directory/dto/field-rules';
import { RequestStage } from '@/modules/requests/entities/request-stage.entity';
import {
  REQUEST_CHANNELS,
  REQUEST_STATUSES,
  Request,
  RequestChannel,
  RequestStatus,
} from '@/modules/requests/entities/request.entity';

export const MAX_REQUEST_PRIORITY = 9;
export const MAX_STAGES = 20;
const STAGE_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

export class CreateRequestDto {
  @ApiProperty({ enum: REQUEST_CHANNELS })
  @IsIn(REQUEST_CHANNELS)
  channel!: RequestChannel;

  @ApiPropertyOptional() @OptionalNotNull() @IsUUID() clientId?: string;

  @ApiProperty({ example: 'Invoice 42 is wrong' })
  @IsString()
  @Length(1, 200)
  subject!: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsString()
  @Length(1, 10_000)
  body?: string;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_REQUEST_PRIORITY })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_REQUEST_PRIORITY)
  priority?: number;

  @ApiPropertyOptional({ example: 'sales', description: 'queue code; its stage template applies' })
  @OptionalNotNull()
  @IsString()
  @Matches(CODE_PATTERN, { message: CODE_MESSAGE })
  queue?: string;

  @ApiPropertyOptional({ description: 'calls.id of the call the request came from' })
  @OptionalNotNull()
  @IsUUID()
  callId?: string;

  @ApiPropertyOptional({ description: 'assignee of the first stage' })
  @OptionalNotNull()
  @IsUUID()
  assigneeId?: string;
}

export class AdvanceRequestDto {
  @ApiPropertyOptional({ description: 'assignee of the next stage (default: the current one)' })
  @OptionalNotNull()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ description: 'recorded on the stage being finished' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 4000)
  note?: string;

  @ApiPropertyOptional({
    description: 'due time of the next stage (default: its duration from now)',
  })
  @OptionalNotNull()
  @IsISO8601({ strict: true })
  dueAt?: string;
}

export class UpdateStageDto {
  @ApiPropertyOptional() @OptionalNotNull() @IsUUID() assigneeId?: string;

  @ApiPropertyOptional() @OptionalNotNull() @IsISO8601({ strict: true }) dueAt?: string;
}

export class ListRequestsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES })
  @IsOptional()
  @IsIn(REQUEST_STATUSES)
  status?: RequestStatus;

  @ApiPropertyOptional({ description: 'queue code' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  queue?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID() clientId?: string;

  @ApiPropertyOptional({ description: "the current stage's assignee" })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ description: 'only open requests whose current stage is past due' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  overdue?: boolean;
}

export class StageTemplateItemDto {
  @ApiProperty({ example: 'in_work' })
  @IsString()
  @Matches(STAGE_PATTERN, { message: 'stage must be 1-40 lower-case letters, digits or _' })
  stage!: string;

  @ApiPropertyOptional({ description: 'ignored for the last stage, required for the others' })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(365 * 24 * 60)
  durationMinutes?: number;
}

export class PutStageTemplateDto {
  @ApiProperty({ type: StageTemplateItemDto, isArray: true })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(MAX_STAGES)
  @ValidateNested({ each: true })
  @Type(() => StageTemplateItemDto)
  stages!: StageTemplateItemDto[];
}

export class StageTemplateDto {
  @ApiProperty() queueId!: string;
  @ApiProperty({ type: StageTemplateItemDto, isArray: true }) stages!: StageTemplateItemDto[];
}

export class RequestStageDto {
  @ApiProperty() id!: string;
  @ApiProperty() stage!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ nullable: true, type: String }) assigneeId!: string | null;
  @ApiProperty({ nullable: true, type: String }) dueAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) doneAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;

  static from(stage: RequestStage): RequestStageDto {
    return {
      id: stage.id,
      stage: stage.stage,
      position: stage.position,
      assigneeId: stage.assignee?.id ?? null,
      dueAt: stage.dueAt?.toISOString() ?? null,
      startedAt: stage.startedAt?.toISOString() ?? null,
      doneAt: stage.doneAt?.toISOString() ?? null,
      note: stage.note,
    };
  }
}

export class RequestDto {
  @ApiProperty() id!: string;
  @ApiProperty() number!: number;
  @ApiProperty({ enum: REQUEST_CHANNELS }) channel!: RequestChannel;
  @ApiProperty({ enum: REQUEST_STATUSES }) status!: RequestStatus;
  @ApiProperty({ nullable: true, type: String }) clientId!: string | null;
  @ApiProperty() subject!: string;
  @ApiProperty({ nullable: true, type: String }) body!: string | null;
  @ApiProperty() priority!: number;
  @ApiProperty({ nullable: true, type: String }) queueId!: string | null;
  @ApiProperty({ nullable: true, type: String }) callId!: string | null;
  @ApiProperty() currentStage!: string;
  @ApiProperty({ nullable: true, type: String }) assigneeId!: string | null;
  @ApiProperty({ nullable: true, type: String }) dueAt!: string | null;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({ nullable: true, type: String }) createdById!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional({ type: RequestStageDto, isArray: true, description: 'GET /:id only' })
  stages?: RequestStageDto[];

  static from(request: Request, stages?: RequestStage[], now = new Date()): RequestDto {
    return {
      id: request.id,
      number: request.number,
      channel: request.channel,
      status: request.status,
      clientId: request.client?.id ?? null,
      subject: request.subject,
      body: request.body,
      priority: request.priority,
      queueId: request.queue?.id ?? null,
      callId: request.call?.id ?? null,
      currentStage: request.currentStage,
      assigneeId: request.currentAssignee?.id ?? null,
      dueAt: request.currentDueAt?.toISOString() ?? null,
      overdue: isOverdue(request, now),
      createdById: request.createdBy?.id ?? null,
      createdAt: request.createdAt.toISOString(),
      updatedAt: request.updatedAt.toISOString(),
      ...(stages ? { stages: stages.map((s) => RequestStageDto.from(s)) } : {}),
    };
  }
}

export function isOverdue(request: Request, now = new Date()): boolean {
  return (
    request.status === 'open' &&
    request.currentDueAt !== null &&
    request.currentDueAt.getTime() <= now.getTime()
  );
}
