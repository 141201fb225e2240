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
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@/common/auth/access.decorator';
import { Page, page } from '@/common/pagination/page.dto';
import {
  CreateLineDto,
  LineDto,
  ListLinesQueryDto,
  UpdateLineDto,
} from '@/modules/directory/dto/line.dto';
import { LinesService } from '@/modules/directory/lines.service';

@ApiTags('lines')
@ApiBearerAuth()
@Controller()
export class LinesController {
  constructor(private readonly lines: LinesService) {}

  @Roles('admin')
  @Post('lines')
  async create(@Body() body: CreateLineDto): Promise<LineDto> {
    return LineDto.from(await this.lines.create(body));
  }

  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Get('lines')
  async list(@Query() query: ListLinesQueryDto): Promise<Page<LineDto>> {
    const [rows, total] = await this.lines.list(query);
    return page(rows, total, query, (line) => LineDto.from(line));
  }

  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Get('lines/:id')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<LineDto> {
    return LineDto.from(await this.lines.get(id));
  }

  @Roles('admin')
  @Patch('lines/:id')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateLineDto,
  ): Promise<LineDto> {
    return LineDto.from(await this.lines.update(id, body));
  }

  @Roles('admin')
  @Delete('lines/:id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.lines.remove(id);
  }
}
