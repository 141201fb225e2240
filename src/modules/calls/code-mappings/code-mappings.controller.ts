import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseEnumPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@/common/auth/access.decorator';
import type { Principal } from '@/common/auth/roles';
import type { Page } from '@/common/pagination/page.dto';
import {
  CodeMappingDto,
  CreateCodeMappingDto,
  ListUnmappedCodesQueryDto,
  UnmappedCodeDto,
} from '@/modules/calls/dto/code-mapping.dto';
import { UnmappedCodeKind } from '@/modules/calls/entities/unmapped-code.entity';
import { CodeMappingsService } from '@/modules/calls/code-mappings/code-mappings.service';

const KINDS = { line: 'line', queue: 'queue', agent: 'agent' } as const;

@ApiTags('telephony')
@ApiBearerAuth()
@Controller('telephony')
export class CodeMappingsController {
  constructor(private readonly mappings: CodeMappingsService) {}

  @Roles('admin')
  @Get('unmapped-codes')
  async unmapped(@Query() query: ListUnmappedCodesQueryDto): Promise<Page<UnmappedCodeDto>> {
    return this.mappings.unmapped(query);
  }

  @Roles('admin')
  @Get('code-mappings')
  async list(): Promise<CodeMappingDto[]> {
    return this.mappings.mappings();
  }

  @Roles('admin')
  @Post('code-mappings')
  async map(
    @Body() body: CreateCodeMappingDto,
    @CurrentPrincipal() who: Principal,
  ): Promise<CodeMappingDto> {
    return this.mappings.map(body, who);
  }

  @Roles('admin')
  @Delete('code-mappings/:kind/:code')
  @HttpCode(204)
  async unmap(
    @Param('kind', new ParseEnumPipe(KINDS)) kind: UnmappedCodeKind,
    @Param('code') code: string,
  ): Promise<void> {
    await this.mappings.unmap(kind, code);
  }
}
