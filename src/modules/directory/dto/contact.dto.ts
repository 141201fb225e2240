import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { ContactPerson } from '@/modules/directory/entities/contact-person.entity';
import { EmailList, OptionalNotNull, PhoneList } from '@/modules/directory/dto/field-rules';

const MIN_PRIORITY = -1000;
const MAX_PRIORITY = 1000;

export class CreateContactDto {
  @ApiProperty({ example: 'Maria Lopez' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: 'Chief accountant' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  position?: string;

  @PhoneList() phones?: string[];
  @EmailList() emails?: string[];

  @ApiPropertyOptional({
    default: 0,
    minimum: MIN_PRIORITY,
    maximum: MAX_PRIORITY,
    description: 'higher first when several contacts share a number',
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_PRIORITY)
  @Max(MAX_PRIORITY)
  priority?: number;
}

export class UpdateContactDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  position?: string | null;

  @PhoneList() phones?: string[];
  @EmailList() emails?: string[];

  @ApiPropertyOptional({ minimum: MIN_PRIORITY, maximum: MAX_PRIORITY })
  @OptionalNotNull()
  @IsInt()
  @Min(MIN_PRIORITY)
  @Max(MAX_PRIORITY)
  priority?: number;
}

export class ContactDto {
  @ApiProperty() id!: string;
  @ApiProperty() clientId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) position!: string | null;
  @ApiProperty({ type: String, isArray: true, description: 'E.164' }) phones!: string[];
  @ApiProperty({ type: String, isArray: true }) emails!: string[];
  @ApiProperty() priority!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(contact: ContactPerson): ContactDto {
    return {
      id: contact.id,
      clientId: contact.client.id,
      name: contact.name,
      position: contact.position,
      phones: contact.phones,
      emails: contact.emails,
      priority: contact.priority,
      createdAt: contact.createdAt.toISOString(),
      updatedAt: contact.updatedAt.toISOString(),
    };
  }
}
