import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'supervisor' })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ example: 'switchboard-demo' })
  @IsString()
  @Length(1, 256)
  password!: string;
}

export class LoginResultDto {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ description: 'UTC, ISO-8601' }) expiresAt!: string;
}
