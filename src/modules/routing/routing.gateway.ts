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
import { OfferAnswerDto, type OfferPayload } from '@/modules/routing/dto/offer.dto';
import { OfferAnswersService } from '@/modules/routing/offer-answers.service';
import { PendingOffersService } from '@/modules/routing/pending-offers.service';

@WebSocketGateway()
@UseInterceptors(WsAckInterceptor)
@UsePipes(createValidationPipe())
export class RoutingGateway {
  constructor(
    private readonly answers: OfferAnswersService,
    private readonly pending: PendingOffersService,
  ) {}

  /** The offers ringing at me now: a console asks on every (re)connect, after its replay. */
  @SubscribeMessage('offer.pending')
  pendingOffers(@ConnectedSocket() socket: AppSocket): Promise<OfferPayload[]> {
    return this.pending.forUser(socket.data.principal.id);
  }

  @SubscribeMessage('offer.accept')
  accept(@ConnectedSocket() socket: AppSocket, @MessageBody() body: OfferAnswerDto) {
    return this.answers.accept(body.offerId, socket.data.principal.id);
  }

  @SubscribeMessage('offer.decline')
  decline(@ConnectedSocket() socket: AppSocket, @MessageBody() body: OfferAnswerDto) {
    return this.answers.decline(body.offerId, socket.data.principal.id);
  }
}
