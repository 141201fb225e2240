import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '@/common/pagination/page.dto';
import type { QueueMember } from '@/modules/directory/entities/queue-member.entity';
import {
  QUEUE_STRATEGIES,
  QueueStrategy,
  type Queue,
} from '@/modules/directory/entities/queue.entity';
import {
  CODE_MESSAGE,
  CODE_PATTERN,
  OptionalNotNull,
  SearchText,
} from '@/modules/directory/dto/field-rules';

const SL_THRESHOLD = { min: 1, max: 3600 };
const MAX_WAIT = { min: 5, max: 86_400 };
const WRAP_UP = { min: 0, max: 3600 };
const SKILL = { min: 1, max: 10 };
const CALLBACK_TARGET = { min: 1, max: 10_080 };

export class CreateQueueDto {
  @ApiProperty({ example: 'sales', pattern: CODE_PATTERN.source })
  @IsString()
  @Matches(CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: 'Sales' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ enum: QUEUE_STRATEGIES, default: 'longest-idle' })
  @IsOptional()
  @IsIn(QUEUE_STRATEGIES)
  strategy?: QueueStrategy;

  @ApiPropertyOptional({ default: 20, ...minMax(SL_THRESHOLD), description: 'T in SL(T)' })
  @IsOptional()
  @IsInt()
  @Min(SL_THRESHOLD.min)
  @Max(SL_THRESHOLD.max)
  slThresholdSeconds?: number;

  @ApiPropertyOptional({ default: 300, ...minMax(MAX_WAIT) })
  @IsOptional()
  @IsInt()
  @Min(MAX_WAIT.min)
  @Max(MAX_WAIT.max)
  maxWaitSeconds?: number;

  @ApiPropertyOptional({ default: 0, ...minMax(WRAP_UP) })
  @IsOptional()
  @IsInt()
  @Min(WRAP_UP.min)
  @Max(WRAP_UP.max)
  wrapUpSeconds?: number;

  @ApiPropertyOptional({
    default: 60,
    ...minMax(CALLBACK_TARGET),
    description: 'a caller held for a callback (or a missed call) is called back within this',
  })
  @IsOptional()
  @IsInt()
  @Min(CALLBACK_TARGET.min)
  @Max(CALLBACK_TARGET.max)
  callbackTargetMinutes?: number;
}

export class UpdateQueueDto {
  @ApiPropertyOptional({ pattern: CODE_PATTERN.source })
  @OptionalNotNull()
  @IsString()
  @Matches(CODE_PATTERN, { message: CODE_MESSAGE })
  code?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: QUEUE_STRATEGIES })
  @OptionalNotNull()
  @IsIn(QUEUE_STRATEGIES)
  strategy?: QueueStrategy;

  @ApiPropertyOptional(minMax(SL_THRESHOLD))
  @OptionalNotNull()
  @IsInt()
  @Min(SL_THRESHOLD.min)
  @Max(SL_THRESHOLD.max)
  slThresholdSeconds?: number;

  @ApiPropertyOptional(minMax(MAX_WAIT))
  @OptionalNotNull()
  @IsInt()
  @Min(MAX_WAIT.min)
  @Max(MAX_WAIT.max)
  maxWaitSeconds?: number;

  @ApiPropertyOptional(minMax(WRAP_UP))
  @OptionalNotNull()
  @IsInt()
  @Min(WRAP_UP.min)
  @Max(WRAP_UP.max)
  wrapUpSeconds?: number;

  @ApiPropertyOptional(minMax(CALLBACK_TARGET))
  @OptionalNotNull()
  @IsInt()
  @Min(CALLBACK_TARGET.min)
  @Max(CALLBACK_TARGET.max)
  callbackTargetMinutes?: number;
}

export class ListQueuesQueryDto extends PageQueryDto {
  @SearchText() q?: string;
}

/** PUT replaces the membership, so an omitted skill level means the default, not "unchanged". */
export class PutQueueMemberDto {
  @ApiPropertyOptional({ default: 5, ...minMax(SKILL), description: '1 novice … 10 expert' })
  @IsOptional()
  @IsInt()
  @Min(SKILL.min)
  @Max(SKILL.max)
  skillLevel?: number;
}

export class QueueMemberDto {
  @ApiProperty() userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty(minMax(SKILL)) skillLevel!: number;

  /** Expects the member's user to be loaded. */
  static from(member: QueueMember): QueueMemberDto {
    return {
      userId: member.user.id,
      username: member.user.username,
      displayName: member.user.displayName,
      skillLevel: member.skillLevel,
    };
  }
}

export class QueueDto {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: QUEUE_STRATEGIES }) strategy!: QueueStrategy;
  @ApiProperty() slThresholdSeconds!: number;
  @ApiProperty() maxWaitSeconds!: number;
  @ApiProperty() wrapUpSeconds!: number;
  @ApiProperty() callbackTargetMinutes!: number;
  @ApiProperty({ type: QueueMemberDto, isArray: true, description: 'ordered by username' })
  members!: QueueMemberDto[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  /** Expects the members and their users to be loaded. */
  static from(queue: Queue): QueueDto {
    return {
      id: queue.id,
      code: queue.code,
      name: queue.name,
      strategy: queue.strategy,
      slThresholdSeconds: queue.slThresholdSeconds,
      maxWaitSeconds: queue.maxWaitSeconds,
      wrapUpSeconds: queue.wrapUpSeconds,
      callbackTargetMinutes: queue.callbackTargetMinutes,
      members: queue.members
        .getItems()
        .map((member) => QueueMemberDto.from(member))
        .sort((a, b) => a.username.localeCompare(b.username)),
      createdAt: queue.createdAt.toISOString(),
      updatedAt: queue.updatedAt.toISOString(),
    };
  }
}

function minMax(range: { min: number; max: number }): { minimum: number; maximum: number } {
  return { minimum: range.min, maximum: range.max };
}
