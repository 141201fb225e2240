import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@/common/auth/access.decorator';
import type { Principal } from '@/common/auth/roles';
import { Page, page } from '@/common/pagination/page.dto';
import {
  AdvanceRequestDto,
  CreateRequestDto,
  ListRequestsQueryDto,
  PutStageTemplateDto,
  RequestDto,
  StageTemplateDto,
  UpdateStageDto,
} from '@/modules/requests/dto/request.dto';
import { RequestsService, RequestWithStages } from '@/modules/requests/requests.service';

const withStages = ({ request, stages }: RequestWithStages): RequestDto =>
  RequestDto.from(request, stages);

@ApiTags('requests')
@ApiBearerAuth()
@Controller()
export class RequestsController {
  constructor(private readonly requests: RequestsService) {}

  @Roles('receptionist', 'supervisor', 'admin', 'agent')
  @Post('requests')
  async create(
    @CurrentPrincipal() who: Principal,
    @Body() body: CreateRequestDto,
  ): Promise<RequestDto> {
    return withStages(await this.requests.create(who, body));
  }

  /** Agents get only the requests currently assigned to them. */
  @Roles('receptionist', 'supervisor', 'admin', 'agent')
  @Get('requests')
  async list(
    @CurrentPrincipal() who: Principal,
    @Query() query: ListRequestsQueryDto,
  ): Promise<Page<RequestDto>> {
    const [rows, total] = await this.requests.list(who, query);
    const now = new Date();
    return page(rows, total, query, (row) => RequestDto.from(row, undefined, now));
  }

  @Roles('receptionist', 'supervisor', 'admin', 'agent')
  @Get('requests/:id')
  async get(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<RequestDto> {
    return withStages(await this.requests.getFor(who, id));
  }

  @Roles('receptionist', 'supervisor', 'admin', 'agent')
  @Post('requests/:id/advance')
  @HttpCode(200)
  async advance(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: AdvanceRequestDto,
  ): Promise<RequestDto> {
    return withStages(await this.requests.advance(who, id, body));
  }

  @Roles('receptionist', 'supervisor', 'admin')
  @Patch('requests/:id/stage')
  async updateStage(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateStageDto,
  ): Promise<RequestDto> {
    return withStages(await this.requests.updateStage(id, body));
  }

  @Roles('admin')
  @Put('queues/:id/request-stages')
  async putTemplate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: PutStageTemplateDto,
  ): Promise<StageTemplateDto> {
    const stages = await this.requests.putTemplate(id, body);
    return {
      queueId: id,
      stages: stages.map((s) => ({
        stage: s.stage,
        durationMinutes: s.durationMinutes ?? undefined,
      })),
    };
  }
}
