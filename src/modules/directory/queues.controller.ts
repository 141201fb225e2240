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
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@/common/auth/access.decorator';
import { Page, page, PageQueryDto } from '@/common/pagination/page.dto';
import {
  CreateQueueDto,
  ListQueuesQueryDto,
  PutQueueMemberDto,
  QueueDto,
  QueueMemberDto,
  UpdateQueueDto,
} from '@/modules/directory/dto/queue.dto';
import { QueuesService } from '@/modules/directory/queues.service';

@ApiTags('queues')
@ApiBearerAuth()
@Controller()
export class QueuesController {
  constructor(private readonly queues: QueuesService) {}

  @Roles('admin')
  @Post('queues')
  async create(@Body() body: CreateQueueDto): Promise<QueueDto> {
    return QueueDto.from(await this.queues.create(body));
  }

  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Get('queues')
  async list(@Query() query: ListQueuesQueryDto): Promise<Page<QueueDto>> {
    const [rows, total] = await this.queues.list(query);
    return page(rows, total, query, (queue) => QueueDto.from(queue));
  }

  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Get('queues/:id')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<QueueDto> {
    return QueueDto.from(await this.queues.get(id));
  }

  @Roles('admin')
  @Patch('queues/:id')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateQueueDto,
  ): Promise<QueueDto> {
    return QueueDto.from(await this.queues.update(id, body));
  }

  @Roles('admin')
  @Delete('queues/:id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.queues.remove(id);
  }

  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Get('queues/:id/members')
  async listMembers(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<QueueMemberDto>> {
    const [rows, total] = await this.queues.listMembers(id, query);
    return page(rows, total, query, (member) => QueueMemberDto.from(member));
  }

  @Roles('admin')
  @Put('queues/:id/members/:userId')
  async putMember(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
    @Body() body: PutQueueMemberDto,
  ): Promise<QueueMemberDto> {
    return QueueMemberDto.from(await this.queues.putMember(id, userId, body));
  }

  @Roles('admin')
  @Delete('queues/:id/members/:userId')
  @HttpCode(204)
  async removeMember(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
  ): Promise<void> {
    await this.queues.removeMember(id, userId);
  }
}
