import { Logger, UseInterceptors, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { AppError } from '@/common/errors/app-error';
import { createValidationPipe } from '@/common/pipes/validation.pipe';
import type { AppSocket } from '@/realtime/realtime.gateway';
import { WsAckInterceptor } from '@/realtime/ws-ack.interceptor';
import { inConnectionHook } from '@/realtime/connection-hook';
import { PresenceDto, SetStatusDto } from '@/modules/staff/dto/presence.dto';
import { PresenceService } from '@/modules/staff/presence.service';

/** Socket side of presence: counts a person's sockets and takes `staff.status`. */
@WebSocketGateway()
@UseInterceptors(WsAckInterceptor)
@UsePipes(createValidationPipe())
export class StaffGateway
  implements OnGatewayConnection<AppSocket>, OnGatewayDisconnect<AppSocket>
{
  private readonly logger = new Logger('StaffGateway');

  constructor(private readonly presence: PresenceService) {}

  async handleConnection(socket: AppSocket): Promise<void> {
    const principal = socket.data.principal;
    if (principal?.kind !== 'user') return;
    await inConnectionHook(this.logger, 'presence on connect', () =>
      this.presence.socketConnected(principal.id),
    );
  }

  async handleDisconnect(socket: AppSocket): Promise<void> {
    if (socket.data.principal?.kind !== 'user') return;
    try {
      await this.presence.socketDisconnected(socket.data.principal.id);
    } catch (err) {
      // During shutdown Redis may already be closed; the count is rebuilt as sockets reconnect.
      this.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'presence bookkeeping skipped',
      );
    }
  }

  @SubscribeMessage('staff.status')
  setStatus(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() body: SetStatusDto,
  ): Promise<PresenceDto> {
    const who = socket.data.principal;
    if (
      !who.roles.some(
        (role) => role === 'agent' || role === 'supervisor' || role === 'receptionist',
      )
    ) {
      throw new AppError('FORBIDDEN', 'Only staff who take work have a status');
    }
    return this.presence.setStatus(who.id, body.status, body.reason);
  }
}
