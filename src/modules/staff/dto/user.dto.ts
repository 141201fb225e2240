import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { USER_ROLES, UserRole } from '@/common/auth/roles';
import type { User } from '@/modules/staff/entities/user.entity';

export class CreateUserDto {
  @ApiProperty({ example: 'anna' })
  @IsString()
  @Matches(/^[a-zA-Z0-9._-]{3,64}$/, {
    message: 'username must be 3-64 letters, digits, dots, dashes or underscores',
  })
  username!: string;

  @ApiProperty({ minLength: 8 })
  @IsString()
  @Length(8, 256, { message: 'password must be 8 to 256 characters' })
  password!: string;

  @ApiProperty({ example: 'Anna Petrova' })
  @IsString()
  @Length(1, 120)
  displayName!: string;

  @ApiProperty({ enum: USER_ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(USER_ROLES.length)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles!: UserRole[];

  @ApiPropertyOptional({ example: '201', description: 'telephony extension' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Za-z*#+_-]{1,32}$/, { message: 'extension must be 1-32 dial characters' })
  extension?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 120) displayName?: string;

  @ApiPropertyOptional({ minLength: 8 })
  @IsOptional()
  @IsString()
  @Length(8, 256, { message: 'password must be 8 to 256 characters' })
  password?: string;

  @ApiPropertyOptional({ enum: USER_ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles?: UserRole[];

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Za-z*#+_-]{1,32}$/, { message: 'extension must be 1-32 dial characters' })
  extension?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
}

export class UserDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: USER_ROLES, isArray: true }) roles!: UserRole[];
  @ApiProperty({ nullable: true, type: String }) extension!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty() createdAt!: string;

  static from(user: User): UserDto {
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      roles: user.roles,
      extension: user.extension,
      active: user.active,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

/** The signed-in user's own profile, with what the console needs to show times as reports do. */
export class MeDto extends UserDto {
  @ApiProperty({
    description:
      'the IANA time zone the console shows dates and times in (DEFAULT_TIME_ZONE, the zone reports use by default)',
    example: 'Europe/Moscow',
  })
  timeZone!: string;
}

/** What any colleague may know of a person: enough to name them and to @mention them. */
export class PersonDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: USER_ROLES, isArray: true }) roles!: UserRole[];

  static from(user: Pick<User, 'id' | 'username' | 'displayName' | 'roles'>): PersonDto {
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      roles: user.roles,
    };
  }
}
