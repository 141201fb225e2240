import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiSecurity, ApiTags, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import { Roles } from '@/common/auth/access.decorator';
import { TelephonyBatchResultDto, TelephonyEventDto } from '@/modules/calls/dto/telephony.dto';
import { TelephonyService } from '@/modules/calls/telephony.service';

@ApiTags('telephony')
@ApiSecurity('connector')
@ApiExtraModels(TelephonyEventDto)
@Controller('telephony')
export class TelephonyController {
  constructor(private readonly telephony: TelephonyService) {}

  /**
   * The body is typed `unknown` so the global ValidationPipe passes it through untouched (it only
   * validates class-typed parameters): each event is checked on its own, and a bad one is
   * reported in its result instead of failing the whole batch.
   */
  @Roles('connector')
  @Post('events')
  @HttpCode(200)
  @ApiBody({
    description: 'one event, or an array of 1 to 5000 events',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(TelephonyEventDto) },
        { type: 'array', items: { $ref: getSchemaPath(TelephonyEventDto) }, maxItems: 5000 },
      ],
    },
  })
  async receive(@Body() body: unknown): Promise<TelephonyBatchResultDto> {
    return this.telephony.receive(body);
  }
}
