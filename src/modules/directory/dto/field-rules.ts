import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  ValidateIf,
} from 'class-validator';

/**
 * Lines and queues are named by codes that appear in telephony configs and URLs. A PBX names
 * them in any case (`PS`, `AA0101`), so the spelling is kept as given and codes are compared
 * case-insensitively (the unique indexes are on `lower(code)`).
 */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const CODE_MESSAGE =
  'code must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit';

export const MAX_PHONES = 20;
export const MAX_EMAILS = 20;

/**
 * Optional, but not nullable: `@IsOptional()` also lets `null` through, which would reach a
 * NOT NULL column as a 500 instead of being refused as bad input.
 */
export const OptionalNotNull = () => ValidateIf((_object, value) => value !== undefined);

/** Phone numbers as people type them; the service normalises each to E.164. */
export const PhoneList = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: String,
      isArray: true,
      example: ['+1 201-555-0123'],
      description: 'any common format; stored as E.164',
    }),
    OptionalNotNull(),
    IsArray(),
    ArrayMaxSize(MAX_PHONES),
    IsString({ each: true }),
    MaxLength(40, { each: true }),
  );

export const EmailList = () =>
  applyDecorators(
    ApiPropertyOptional({ type: String, isArray: true, example: ['office@example.com'] }),
    OptionalNotNull(),
    IsArray(),
    ArrayMaxSize(MAX_EMAILS),
    IsEmail({}, { each: true }),
    MaxLength(254, { each: true }),
  );

/** A free-text search on names; `%` and `_` are matched literally. */
export const SearchText = () =>
  applyDecorators(ApiPropertyOptional(), IsOptional(), IsString(), Length(1, 200));
