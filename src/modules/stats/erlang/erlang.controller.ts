import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@/common/auth/access.decorator';
import {
  AgentsNeededDto,
  AgentsNeededQueryDto,
  ErlangBDto,
  ErlangBQueryDto,
  ErlangCDto,
  ErlangCQueryDto,
  LinesNeededDto,
  LinesNeededQueryDto,
} from '@/modules/stats/dto/erlang.dto';
import { ErlangService } from '@/modules/stats/erlang/erlang.service';

@ApiTags('erlang')
@ApiBearerAuth()
@Roles('supervisor', 'admin')
@Controller('erlang')
export class ErlangController {
  constructor(private readonly erlang: ErlangService) {}

  @Get('b')
  blocking(@Query() query: ErlangBQueryDto): ErlangBDto {
    return this.erlang.blocking(query);
  }

  @Get('lines-needed')
  linesNeeded(@Query() query: LinesNeededQueryDto): LinesNeededDto {
    return this.erlang.linesNeeded(query);
  }

  @Get('c')
  waiting(@Query() query: ErlangCQueryDto): ErlangCDto {
    return this.erlang.waiting(query);
  }

  @Get('agents-needed')
  agentsNeeded(@Query() query: AgentsNeededQueryDto): AgentsNeededDto {
    return this.erlang.agentsNeeded(query);
  }
}
