import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQueryDto } from '@/common/pagination/page.dto';
import { CLIENT_KINDS, ClientKind } from '@/modules/directory/entities/client.entity';
import type { Client } from '@/modules/directory/entities/client.entity';
import {
  EmailList,
  OptionalNotNull,
  PhoneList,
  SearchText,
} from '@/modules/directory/dto/field-rules';
import type { User } from '@/modules/staff/entities/user.entity';

export class CreateClientDto {
  @ApiProperty({ example: 'Northwind Trading' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ enum: CLIENT_KINDS, default: 'client' })
  @IsOptional()
  @IsIn(CLIENT_KINDS)
  kind?: ClientKind;

  @PhoneList() phones?: string[];
  @EmailList() emails?: string[];

  @ApiPropertyOptional({ description: 'the responsible manager (a user id)' })
  @IsOptional()
  @IsUUID()
  curatorId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 4000)
  note?: string;
}

export class UpdateClientDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: CLIENT_KINDS })
  @OptionalNotNull()
  @IsIn(CLIENT_KINDS)
  kind?: ClientKind;

  @PhoneList() phones?: string[];
  @EmailList() emails?: string[];

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null removes the curator' })
  @IsOptional()
  @IsUUID()
  curatorId?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Length(0, 4000)
  note?: string | null;
}

export class ListClientsQueryDto extends PageQueryDto {
  @SearchText() q?: string;

  @ApiPropertyOptional({ enum: CLIENT_KINDS })
  @IsOptional()
  @IsIn(CLIENT_KINDS)
  kind?: ClientKind;

  @ApiPropertyOptional() @IsOptional() @IsUUID() curatorId?: string;

  @ApiPropertyOptional({ description: 'any common format; matched exactly after normalising' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  phone?: string;
}

export class CuratorDto {
  @ApiProperty() id!: string;
  @ApiProperty() displayName!: string;

  static from(user: User): CuratorDto {
    return { id: user.id, displayName: user.displayName };
  }
}

export class ClientDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CLIENT_KINDS }) kind!: ClientKind;
  @ApiProperty({ type: String, isArray: true, description: 'E.164' }) phones!: string[];
  @ApiProperty({ type: String, isArray: true }) emails!: string[];
  @ApiProperty({ type: CuratorDto, nullable: true }) curator!: CuratorDto | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  /** Expects the curator to be loaded. */
  static from(client: Client): ClientDto {
    return {
      id: client.id,
      name: client.name,
      kind: client.kind,
      phones: client.phones,
      emails: client.emails,
      curator: client.curator ? CuratorDto.from(client.curator) : null,
      note: client.note,
      createdAt: client.createdAt.toISOString(),
      updatedAt: client.updatedAt.toISOString(),
    };
  }
}
