import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { CLIENT_KINDS, ClientKind } from '@/modules/directory/entities/client.entity';
import { CuratorDto } from '@/modules/directory/dto/client.dto';
import type { PhoneLookup } from '@/modules/directory/directory-lookup.service';

export class LookupQueryDto {
  @ApiProperty({ example: '(201) 555-0123', description: 'any common format' })
  @IsString()
  @Length(1, 40)
  phone!: string;
}

export class LookupClientDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CLIENT_KINDS }) kind!: ClientKind;
  @ApiProperty({ type: CuratorDto, nullable: true }) curator!: CuratorDto | null;
}

export class LookupContactDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) position!: string | null;
}

export class DirectoryLookupDto {
  @ApiProperty({ description: 'the number looked up, as E.164' }) phone!: string;
  @ApiProperty({ type: LookupClientDto, nullable: true }) client!: LookupClientDto | null;
  @ApiProperty({ type: LookupContactDto, nullable: true }) contact!: LookupContactDto | null;

  static from(found: PhoneLookup): DirectoryLookupDto {
    const { client, contact } = found;
    return {
      phone: found.phone,
      client: client && {
        id: client.id,
        name: client.name,
        kind: client.kind,
        curator: client.curator ? CuratorDto.from(client.curator) : null,
      },
      contact: contact && { id: contact.id, name: contact.name, position: contact.position },
    };
  }
}
