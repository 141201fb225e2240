import { UseInterceptors, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { createValidationPipe } from '@/common/pipes/validation.pipe';
import type { AppSocket } from '@/realtime/realtime.gateway';
import { WsAckInterceptor } from '@/realtime/ws-ack.interceptor';
import { OfferAnswerDto } from '@/modules/routing/dto/offer.dto';
import { RoutingService } from '@/modules/routing/routing.service';

@WebSocketGateway()
@UseInterceptors(WsAckInterceptor)
@UsePipes(createValidationPipe())
export class RoutingGateway {
  constructor(private readonly routing: RoutingService) {}

  @SubscribeMessage('offer.accept')
  accept(@ConnectedSocket() socket: AppSocket, @MessageBody() body: OfferAnswerDto) {
    return this.routing.accept(body.offerId, socket.data.principal.id);
  }

  @SubscribeMessage('offer.decline')
  decline(@ConnectedSocket() socket: AppSocket, @MessageBody() body: OfferAnswerDto) {
    return this.routing.decline(body.offerId, socket.data.principal.id);
  }
}
