import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQueryDto } from '@/common/pagination/page.dto';
import {
  UNMAPPED_CODE_KINDS,
  type UnmappedCodeKind,
} from '@/modules/calls/entities/unmapped-code.entity';

export class ListUnmappedCodesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: UNMAPPED_CODE_KINDS })
  @IsOptional()
  @IsIn(UNMAPPED_CODE_KINDS)
  kind?: UnmappedCodeKind;
}

export class UnmappedCodeDto {
  @ApiProperty({ enum: UNMAPPED_CODE_KINDS }) kind!: UnmappedCodeKind;
  @ApiProperty() code!: string;
  @ApiProperty() firstSeenAt!: string;
  @ApiProperty() lastSeenAt!: string;
  @ApiProperty({ description: 'accepted events that named the code' }) seenCount!: number;
}

export class CreateCodeMappingDto {
  @ApiProperty({ enum: UNMAPPED_CODE_KINDS })
  @IsIn(UNMAPPED_CODE_KINDS)
  kind!: UnmappedCodeKind;

  @ApiProperty({ description: 'the code as telephony sends it' })
  @IsString()
  @Length(1, 200)
  code!: string;

  @ApiProperty({ description: 'the line, queue or user (for kind agent) the code stands for' })
  @IsUUID()
  targetId!: string;
}

export class CodeMappingDto {
  @ApiProperty({ enum: UNMAPPED_CODE_KINDS }) kind!: UnmappedCodeKind;
  @ApiProperty({ description: 'line and queue codes are matched without case, so kept lower-case' })
  code!: string;
  @ApiProperty() targetId!: string;
  @ApiProperty({ description: 'the line or queue code, or the username' }) targetCode!: string;
  @ApiProperty() targetName!: string;
  @ApiProperty() createdAt!: string;
}
