import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@/common/auth/access.decorator';
import type { Principal } from '@/common/auth/roles';
import { Page, page, PageQueryDto } from '@/common/pagination/page.dto';
import { CallsService } from '@/modules/calls/calls.service';
import { DossierService } from '@/modules/calls/dossier.service';
import {
  CallDto,
  CallEventDto,
  ClientHistoryItemDto,
  ListCallsQueryDto,
  RegisterCallDto,
  UnfinishedCallsQueryDto,
} from '@/modules/calls/dto/call.dto';

@ApiTags('calls')
@ApiBearerAuth()
@Controller()
export class CallsController {
  constructor(
    private readonly calls: CallsService,
    private readonly dossiers: DossierService,
  ) {}

  @Roles('receptionist', 'supervisor', 'admin')
  @Post('calls')
  async register(@Body() body: RegisterCallDto): Promise<CallDto> {
    const call = await this.calls.register(body);
    return CallDto.from(call, await this.dossiers.forCall(call));
  }

  @Roles('receptionist', 'supervisor', 'admin')
  @Get('calls')
  async list(@Query() query: ListCallsQueryDto): Promise<Page<CallDto>> {
    const [rows, total] = await this.calls.list(query);
    return page(rows, total, query, (call) => CallDto.from(call));
  }

  // Declared before calls/:id so the literal path is not taken for an id.
  @Roles('supervisor', 'receptionist', 'admin')
  @Get('calls/unfinished')
  async unfinished(@Query() query: UnfinishedCallsQueryDto): Promise<Page<CallDto>> {
    const [rows, total] = await this.calls.unfinished(query);
    return page(rows, total, query, (call) => CallDto.from(call));
  }

  @Roles('receptionist', 'supervisor', 'admin', 'agent')
  @Get('calls/:id')
  async get(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<CallDto> {
    const call = await this.calls.getFor(who, id);
    return CallDto.from(call, await this.dossiers.forCall(call));
  }

  @Roles('receptionist', 'supervisor', 'admin', 'agent')
  @Get('calls/:id/events')
  async events(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<CallEventDto[]> {
    return (await this.calls.events(who, id)).map((event) => CallEventDto.from(event));
  }

  @Roles('receptionist', 'supervisor', 'admin', 'agent')
  @Post('calls/:id/callback-done')
  @HttpCode(200)
  async callbackDone(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<CallDto> {
    return CallDto.from(await this.calls.callbackDone(who, id));
  }

  /** Calls only for now; the requests, stages and routing features add their entries here. */
  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Get('clients/:id/history')
  async clientHistory(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<ClientHistoryItemDto>> {
    const [rows, total] = await this.calls.clientHistory(id, query);
    return page(rows, total, query, (call) => ClientHistoryItemDto.fromCall(call));
  }
}
