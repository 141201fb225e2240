import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '@/common/auth/access.decorator';
import {
  CreatePlannerReasonDto,
  PlannerReasonDto,
  UpdatePlannerReasonDto,
} from '@/modules/planner/dto/planner-reason.dto';
import { PlannerReasonsService } from '@/modules/planner/planner-reasons.service';

@ApiTags('planner')
@ApiBearerAuth()
@Controller('planner/reasons')
export class PlannerReasonsController {
  constructor(private readonly reasons: PlannerReasonsService) {}

  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Get()
  @ApiQuery({ name: 'all', required: false, description: 'true: retired reasons too' })
  async list(@Query('all') all?: string): Promise<PlannerReasonDto[]> {
    return (await this.reasons.list(all === 'true')).map((r) => PlannerReasonDto.from(r));
  }

  @Roles('admin')
  @Post()
  async create(@Body() body: CreatePlannerReasonDto): Promise<PlannerReasonDto> {
    return PlannerReasonDto.from(await this.reasons.create(body));
  }

  @Roles('admin')
  @Patch(':id')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdatePlannerReasonDto,
  ): Promise<PlannerReasonDto> {
    return PlannerReasonDto.from(await this.reasons.update(id, body));
  }

  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.reasons.remove(id);
  }
}
