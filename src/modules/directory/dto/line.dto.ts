import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '@/common/pagination/page.dto';
import type { Line } from '@/modules/directory/entities/line.entity';
import {
  CODE_MESSAGE,
  CODE_PATTERN,
  OptionalNotNull,
  SearchText,
} from '@/modules/directory/dto/field-rules';

const MAX_CHANNELS = 10_000;

export class CreateLineDto {
  @ApiProperty({ example: 'main-office', pattern: CODE_PATTERN.source })
  @IsString()
  @Matches(CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: 'Main office trunk' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({
    example: '+1 201-555-0100',
    description: 'any common format; stored as E.164',
  })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  number?: string;

  @ApiProperty({ minimum: 1, maximum: MAX_CHANNELS, description: 'simultaneous calls' })
  @IsInt()
  @Min(1)
  @Max(MAX_CHANNELS)
  channels!: number;
}

export class UpdateLineDto {
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

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null removes the number' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  number?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CHANNELS })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_CHANNELS)
  channels?: number;
}

export class ListLinesQueryDto extends PageQueryDto {
  @SearchText() q?: string;
}

export class LineDto {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String, description: 'E.164' }) number!: string | null;
  @ApiProperty() channels!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(line: Line): LineDto {
    return {
      id: line.id,
      code: line.code,
      name: line.name,
      number: line.number,
      channels: line.channels,
      createdAt: line.createdAt.toISOString(),
      updatedAt: line.updatedAt.toISOString(),
    };
  }
}
