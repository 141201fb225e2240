import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, Length } from 'class-validator';

const Instant = (description: string) =>
  applyDecorators(
    ApiProperty({
      description: `${description}; ISO-8601, an instant without offset is read in \`tz\``,
      example: '2026-03-29T00:00:00',
    }),
    IsString(),
    IsISO8601({ strict: true }),
  );

/** tz and bucket are checked by the service so they answer with their own stable codes. */
const Zone = () =>
  applyDecorators(
    ApiPropertyOptional({ description: 'IANA time zone; default from configuration' }),
    IsOptional(),
    IsString(),
    Length(1, 64),
  );

export class StatsPeriodQueryDto {
  @Instant('start of the period, inclusive') from!: string;
  @Instant('end of the period, exclusive') to!: string;
  @Zone() tz?: string;
}

export class StatsRangeQueryDto extends StatsPeriodQueryDto {
  @ApiPropertyOptional({ enum: ['15m', '1h', '1d', '1w'], default: '1h' })
  @IsOptional()
  @IsString()
  bucket?: string;
}

export class LineStatsQueryDto extends StatsRangeQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() lineId?: string;
}

export class QueueStatsQueryDto extends StatsRangeQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() queueId?: string;
}

export class StaffStatsQueryDto extends StatsRangeQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() staffId?: string;
}

export class ClientStatsQueryDto extends StatsRangeQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() clientId?: string;
}

export class HeatmapQueryDto extends StatsPeriodQueryDto {
  @ApiPropertyOptional({ description: 'only calls of this queue; all calls by default' })
  @IsOptional()
  @IsUUID()
  queueId?: string;
}

export class ForecastQueryDto extends StatsPeriodQueryDto {
  @ApiProperty({ description: 'queue code' })
  @IsString()
  @Length(1, 100)
  queue!: string;
}
