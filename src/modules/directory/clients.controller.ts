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
import { ClientsService } from '@/modules/directory/clients.service';
import {
  ClientDto,
  CreateClientDto,
  ListClientsQueryDto,
  UpdateClientDto,
} from '@/modules/directory/dto/client.dto';

@ApiTags('clients')
@ApiBearerAuth()
@Controller()
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Roles('admin', 'supervisor', 'receptionist')
  @Post('clients')
  async create(@Body() body: CreateClientDto): Promise<ClientDto> {
    return ClientDto.from(await this.clients.create(body));
  }

  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Get('clients')
  async list(@Query() query: ListClientsQueryDto): Promise<Page<ClientDto>> {
    const [rows, total] = await this.clients.list(query);
    return page(rows, total, query, (client) => ClientDto.from(client));
  }

  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Get('clients/:id')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<ClientDto> {
    return ClientDto.from(await this.clients.get(id));
  }

  @Roles('admin', 'supervisor', 'receptionist')
  @Patch('clients/:id')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateClientDto,
  ): Promise<ClientDto> {
    return ClientDto.from(await this.clients.update(id, body));
  }

  @Roles('admin', 'supervisor', 'receptionist')
  @Delete('clients/:id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.clients.remove(id);
  }
}
