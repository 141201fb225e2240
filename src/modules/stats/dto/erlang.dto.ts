import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  Max,
  Min,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { MAX_SERVERS } from '@/modules/stats/erlang/erlang';

export const MAX_TRAFFIC = 100_000;

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Used instead of `@Type(() => Number)`, which reads `?traffic=` as 0 and `0x1f` as 31; anything
 * that is not a plain decimal stays a string so `@IsNumber` refuses it and names the field.
 */
const QueryNumber = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value) : value,
  );

/** The math wants some probabilities strictly inside (0, 1); class-validator has no open bound. */
const IsOpenFraction = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isOpenFraction',
      validator: {
        validate: (value: unknown) => typeof value === 'number' && value > 0 && value < 1,
        defaultMessage: (args) => `${args?.property} must be greater than 0 and less than 1`,
      },
    },
    options,
  );

const Traffic = () =>
  applyDecorators(
    ApiProperty({ minimum: 0, maximum: MAX_TRAFFIC, description: 'offered load in Erlangs' }),
    QueryNumber(),
    IsNumber(),
    Min(0),
    Max(MAX_TRAFFIC),
  );

const Servers = (description: string, minimum: number) =>
  applyDecorators(
    ApiProperty({ type: 'integer', minimum, maximum: MAX_SERVERS, description }),
    QueryNumber(),
    IsInt(),
    Min(minimum),
    Max(MAX_SERVERS),
  );

const Aht = () =>
  applyDecorators(
    ApiProperty({ exclusiveMinimum: true, minimum: 0, description: 'average handling time, s' }),
    QueryNumber(),
    IsNumber(),
    IsPositive(),
  );

const ThresholdSeconds = () =>
  applyDecorators(
    ApiPropertyOptional({
      default: 20,
      minimum: 0,
      description: 'service-level threshold T in seconds',
    }),
    IsOptional(),
    QueryNumber(),
    IsNumber(),
    Min(0),
  );

export class ErlangBQueryDto {
  @Traffic() traffic!: number;
  @Servers('channels', 0) lines!: number;
}

export class LinesNeededQueryDto {
  @Traffic() traffic!: number;

  @ApiPropertyOptional({ default: 0.01, description: 'target blocking, a fraction in (0, 1)' })
  @IsOptional()
  @QueryNumber()
  @IsNumber()
  @IsOpenFraction()
  blocking: number = 0.01;
}

export class ErlangCQueryDto {
  @Traffic() traffic!: number;
  // Occupancy is A / N, so at least one agent.
  @Servers('agents', 1) agents!: number;
  @Aht() aht!: number;
  @ThresholdSeconds() target: number = 20;
}

export class AgentsNeededQueryDto {
  @Traffic() traffic!: number;
  @Aht() aht!: number;
  @ThresholdSeconds() target: number = 20;

  @ApiPropertyOptional({ default: 0.8, description: 'target service level, a fraction in (0, 1)' })
  @IsOptional()
  @QueryNumber()
  @IsNumber()
  @IsOpenFraction()
  level: number = 0.8;

  @ApiPropertyOptional({ default: 1, maximum: 1, description: 'highest acceptable A / N, (0, 1]' })
  @IsOptional()
  @QueryNumber()
  @IsNumber()
  @IsPositive()
  @Max(1)
  maxOccupancy: number = 1;
}

export class ErlangBDto {
  @ApiProperty() traffic!: number;
  @ApiProperty() lines!: number;
  @ApiProperty({ description: 'Erlang B blocking probability, a fraction' }) blocking!: number;
}

export class LinesNeededDto {
  @ApiProperty() traffic!: number;
  @ApiProperty({ description: 'blocking achieved with `lines`, a fraction' }) blocking!: number;
  @ApiProperty({ description: 'the target blocking asked for' }) target!: number;
  @ApiProperty({ description: 'smallest number of lines meeting the target' }) lines!: number;
}

export class ErlangCDto {
  @ApiProperty() traffic!: number;
  @ApiProperty() agents!: number;
  @ApiProperty({ description: 'seconds' }) aht!: number;
  @ApiProperty({ description: 'service-level threshold T, seconds' }) target!: number;
  @ApiProperty({ description: 'probability of waiting, a fraction' }) pWait!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'average speed of answer in seconds; null when agents <= traffic (unbounded)',
  })
  asa!: number | null;
  @ApiProperty({ description: 'share answered within T, a fraction' }) serviceLevel!: number;
  @ApiProperty({ description: 'traffic / agents; above 1 means overloaded' }) occupancy!: number;
}

export class AgentsNeededDto {
  @ApiProperty() traffic!: number;
  @ApiProperty({ description: 'seconds' }) aht!: number;
  @ApiProperty({ description: 'service-level threshold T, seconds' }) target!: number;
  @ApiProperty({ description: 'target service level, a fraction' }) level!: number;
  @ApiProperty({ description: 'smallest number of agents meeting the targets' }) agents!: number;
  @ApiProperty({ description: 'probability of waiting, a fraction' }) pWait!: number;
  @ApiProperty({ description: 'share answered within T, a fraction' }) serviceLevel!: number;
  @ApiProperty({ description: 'average speed of answer in seconds' }) asa!: number;
  @ApiProperty({ description: 'traffic / agents' }) occupancy!: number;
}
