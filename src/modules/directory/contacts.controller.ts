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
import { Page, page, PageQueryDto } from '@/common/pagination/page.dto';
import { ContactsService } from '@/modules/directory/contacts.service';
import {
  ContactDto,
  CreateContactDto,
  UpdateContactDto,
} from '@/modules/directory/dto/contact.dto';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller()
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Roles('admin', 'supervisor', 'receptionist')
  @Post('clients/:id/contacts')
  async create(
    @Param('id', ParseUUIDPipe) clientId: string,
    @Body() body: CreateContactDto,
  ): Promise<ContactDto> {
    return ContactDto.from(await this.contacts.create(clientId, body));
  }

  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Get('clients/:id/contacts')
  async listForClient(
    @Param('id', ParseUUIDPipe) clientId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<ContactDto>> {
    const [rows, total] = await this.contacts.listForClient(clientId, query);
    return page(rows, total, query, (contact) => ContactDto.from(contact));
  }

  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Get('contacts/:id')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<ContactDto> {
    return ContactDto.from(await this.contacts.get(id));
  }

  @Roles('admin', 'supervisor', 'receptionist')
  @Patch('contacts/:id')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateContactDto,
  ): Promise<ContactDto> {
    return ContactDto.from(await this.contacts.update(id, body));
  }

  @Roles('admin', 'supervisor', 'receptionist')
  @Delete('contacts/:id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.contacts.remove(id);
  }
}
