import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@/common/auth/access.decorator';
import { DirectoryLookupDto, LookupQueryDto } from '@/modules/directory/dto/directory-lookup.dto';
import { DirectoryLookupService } from '@/modules/directory/directory-lookup.service';

@ApiTags('directory')
@ApiBearerAuth()
@Controller()
export class DirectoryLookupController {
  constructor(private readonly lookup: DirectoryLookupService) {}

  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Get('directory/lookup')
  async lookupByPhone(@Query() query: LookupQueryDto): Promise<DirectoryLookupDto> {
    return DirectoryLookupDto.from(await this.lookup.lookupByPhone(query.phone));
  }
}
