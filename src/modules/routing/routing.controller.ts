import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@/common/auth/access.decorator';
import { RoutingDecisionDto } from '@/modules/routing/dto/offer.dto';
import { RoutingRepository } from '@/modules/routing/routing.repository';

@ApiTags('routing')
@ApiBearerAuth()
@Controller()
export class RoutingController {
  constructor(private readonly routing: RoutingRepository) {}

  /** Explainable routing: every decision for the call, with candidates, order and reason. */
  @Roles('admin', 'supervisor', 'receptionist')
  @Get('calls/:id/routing')
  async decisions(@Param('id', ParseUUIDPipe) id: string): Promise<RoutingDecisionDto[]> {
    return (await this.routing.decisionsFor(id)).map((r) => RoutingDecisionDto.from(r));
  }

  /** The same for a request routed through its queue's strategy. */
  @Roles('admin', 'supervisor', 'receptionist')
  @Get('requests/:id/routing')
  async requestDecisions(@Param('id', ParseUUIDPipe) id: string): Promise<RoutingDecisionDto[]> {
    return (await this.routing.decisionsFor(id)).map((r) => RoutingDecisionDto.from(r));
  }
}
