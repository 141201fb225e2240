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
import { BroadcastAckDto, BroadcastAckResultDto } from '@/modules/notifications/dto/broadcast.dto';
import { BroadcastsService } from '@/modules/notifications/broadcasts.service';

@WebSocketGateway()
@UseInterceptors(WsAckInterceptor)
@UsePipes(createValidationPipe())
export class NotificationsGateway {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @SubscribeMessage('broadcast.ack')
  ack(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() body: BroadcastAckDto,
  ): Promise<BroadcastAckResultDto> {
    return this.broadcasts.ack(socket.data.principal.id, body.broadcastId);
  }
}
