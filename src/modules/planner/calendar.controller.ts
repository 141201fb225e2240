import { Controller, Delete, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Public, Roles } from '@/common/auth/access.decorator';
import type { Principal } from '@/common/auth/roles';
import { CalendarTokenDto } from '@/modules/planner/dto/planned-contact.dto';
import { CalendarFeedService } from '@/modules/planner/calendar-feed.service';

export class CalendarFeedQueryDto {
  @ApiProperty({ description: 'the feed token from POST /api/me/calendar-token' })
  @IsString()
  @Length(16, 200)
  token!: string;
}

@ApiTags('planner')
@Controller('me')
export class CalendarController {
  constructor(private readonly feeds: CalendarFeedService) {}

  /** Creates the person's feed token, or rotates it (the old one stops working). */
  @ApiBearerAuth()
  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Post('calendar-token')
  rotate(@CurrentPrincipal() who: Principal): Promise<CalendarTokenDto> {
    return this.feeds.rotate(who.id);
  }

  @ApiBearerAuth()
  @Roles('admin', 'supervisor', 'receptionist', 'agent')
  @Delete('calendar-token')
  @HttpCode(204)
  async revoke(@CurrentPrincipal() who: Principal): Promise<void> {
    await this.feeds.revoke(who.id);
  }

  /** For calendar apps, which cannot send a bearer token: the feed token is the credential. */
  @Public()
  @Get('calendar.ics')
  @ApiProduces('text/calendar')
  async feed(
    @Query() query: CalendarFeedQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const body = await this.feeds.feed(query.token);
    res.type('text/calendar; charset=utf-8');
    res.setHeader('cache-control', 'private, max-age=60');
    return body;
  }
}
