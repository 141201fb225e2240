import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsString, Length } from 'class-validator';
import { OptionalNotNull } from '@/modules/directory/dto/field-rules';
import type { PlannerReason } from '@/modules/planner/entities/planner-reason.entity';

export class CreatePlannerReasonDto {
  @ApiProperty({ example: 'client unavailable' }) @IsString() @Length(1, 200) label!: string;
}

export class UpdatePlannerReasonDto {
  @ApiPropertyOptional() @OptionalNotNull() @IsString() @Length(1, 200) label?: string;

  @ApiPropertyOptional({ description: 'false retires it: kept on old plans, not offered' })
  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;
}

export class PlannerReasonDto {
  @ApiProperty() id!: string;
  @ApiProperty() label!: string;
  @ApiProperty() active!: boolean;

  static from(reason: PlannerReason): PlannerReasonDto {
    return { id: reason.id, label: reason.label, active: reason.active };
  }
}
