import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@/common/auth/access.decorator';
import type { Principal } from '@/common/auth/roles';
import { Page, page } from '@/common/pagination/page.dto';
import { AppError } from '@/common/errors/app-error';
import { AppConfig } from '@/config/app-config';
import { PbxControlService } from '@/modules/pbx/ami/pbx-control.service';
import {
  CallNowDto,
  ClientChainDto,
  CreatePlannedContactDto,
  DoneDto,
  ListPlannedContactsQueryDto,
  PlanCallbackDto,
  PlannedContactDetailDto,
  PlannedContactDto,
  PlannerSettingsDto,
  PostponeDto,
  ReasonDto,
  UpdatePlannedContactDto,
} from '@/modules/planner/dto/planned-contact.dto';
import { ClientChainService } from '@/modules/planner/client-chain.service';
import { PlannerService, toDto } from '@/modules/planner/planner.service';

const STAFF = ['admin', 'supervisor', 'receptionist', 'agent'] as const;

@ApiTags('planner')
@ApiBearerAuth()
@Controller()
export class PlannerController {
  constructor(
    private readonly planner: PlannerService,
    private readonly chains: ClientChainService,
    private readonly pbx: PbxControlService,
    private readonly config: AppConfig,
  ) {}

  /** What the planner page needs from the server: its time zone and whether "call now" works. */
  @Roles(...STAFF)
  @Get('planner/settings')
  settings(): PlannerSettingsDto {
    return { timeZone: this.config.defaultTimeZone, callNow: this.pbx.canOriginate() };
  }

  /**
   * "Call now" on an open planned call: the PBX rings one's own phone, then dials the contact
   * person's first number, else the client's (Originate through the connector).
   */
  @Roles(...STAFF)
  @Post('planned-contacts/:id/call-now')
  @HttpCode(202)
  async callNow(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<CallNowDto> {
    if (!this.pbx.canOriginate()) {
      throw new AppError(
        'PBX_NOT_CONFIGURED',
        'Calling through the PBX needs the Asterisk connector in control mode (AMI_MODE=control)',
      );
    }
    const number = await this.planner.numberToCall(who, id);
    return this.pbx.originate(who, `plan:${id}`, number);
  }

  /** For oneself; receptionists, supervisors and admins also for others. */
  @Roles(...STAFF)
  @Post('planned-contacts')
  async create(
    @CurrentPrincipal() who: Principal,
    @Body() body: CreatePlannedContactDto,
  ): Promise<PlannedContactDto> {
    return toDto(await this.planner.create(who, body));
  }

  /** Agents get their own plans only (another assigneeId is 403), by start time. */
  @Roles(...STAFF)
  @Get('planned-contacts')
  async list(
    @CurrentPrincipal() who: Principal,
    @Query() query: ListPlannedContactsQueryDto,
  ): Promise<Page<PlannedContactDto>> {
    const [rows, total] = await this.planner.list(who, query);
    const now = new Date();
    return page(rows, total, query, (row) => PlannedContactDto.from(row, now));
  }

  @Roles(...STAFF)
  @Get('planned-contacts/:id')
  async get(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<PlannedContactDetailDto> {
    const plan = await this.planner.loadFor(who, id);
    return { ...toDto(plan), history: await this.planner.history(id) };
  }

  @Roles(...STAFF)
  @Patch('planned-contacts/:id')
  async update(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdatePlannedContactDto,
  ): Promise<PlannedContactDto> {
    return toDto(await this.planner.update(who, id, body));
  }

  @Roles(...STAFF)
  @Post('planned-contacts/:id/done')
  @HttpCode(200)
  async done(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: DoneDto,
  ): Promise<PlannedContactDto> {
    return toDto(await this.planner.done(who, id, body));
  }

  /** A new time and a reason (from the list and/or free text) are required. */
  @Roles(...STAFF)
  @Post('planned-contacts/:id/postpone')
  @HttpCode(200)
  async postpone(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: PostponeDto,
  ): Promise<PlannedContactDto> {
    return toDto(await this.planner.postpone(who, id, body));
  }

  /** A reason is required. */
  @Roles(...STAFF)
  @Post('planned-contacts/:id/fail')
  @HttpCode(200)
  async fail(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ReasonDto,
  ): Promise<PlannedContactDto> {
    return toDto(await this.planner.fail(who, id, body));
  }

  @Roles(...STAFF)
  @Post('planned-contacts/:id/cancel')
  @HttpCode(200)
  async cancel(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ReasonDto,
  ): Promise<PlannedContactDto> {
    return toDto(await this.planner.cancel(who, id, body));
  }

  /** "Plan a call back" on a call; agents on calls they answered. */
  @Roles(...STAFF)
  @Post('calls/:id/plan-callback')
  async planCallback(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: PlanCallbackDto,
  ): Promise<PlannedContactDto> {
    return toDto(await this.planner.planCallback(who, id, body));
  }

  @Roles(...STAFF)
  @Get('clients/:id/chain')
  chain(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ClientChainDto> {
    return this.chains.chain(who, id);
  }
}
