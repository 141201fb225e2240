import { BeforeApplicationShutdown, Logger, UseInterceptors, UsePipes } from '@nestjs/common';
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
import { onAckedEvent } from '@/realtime/acked-event';
import { rooms } from '@/realtime/realtime.events';
import type { AppSocket } from '@/realtime/realtime.gateway';
import { WsAckInterceptor } from '@/realtime/ws-ack.interceptor';
import type { ChatSendAck, ChatTypingAck, PresenceStatus } from '@/modules/chat/chat.events';
import { ChatMessagesService, ReadPosition } from '@/modules/chat/chat-messages.service';
import { ChatPresenceService } from '@/modules/chat/chat-presence.service';
import { ChatRoomsService } from '@/modules/chat/chat-rooms.service';
import {
  MessageDto,
  MessageRefDto,
  parseSendMessage,
  ReadPositionDto,
  RoomRefDto,
  SendMessageDto,
  SetPresenceDto,
  SocketEditMessageDto,
} from '@/modules/chat/dto/message.dto';
import { KeyedThrottle, TokenBucket } from '@/modules/chat/token-bucket';

/** Per socket: 20 messages a second, bursts of 40; one socket flooding slows no one else. */
export const SEND_RATE_PER_SECOND = 20;
export const SEND_BURST = 40;
export const TYPING_INTERVAL_MS = 2000;

/**
 * Socket side of the chat. The limits are per socket, so they live with the socket here (in
 * this process's memory, which is where the socket is); everything else is in the services.
 */
@WebSocketGateway()
@UseInterceptors(WsAckInterceptor)
@UsePipes(createValidationPipe())
export class ChatGateway
  implements
    OnGatewayConnection<AppSocket>,
    OnGatewayDisconnect<AppSocket>,
    BeforeApplicationShutdown
{
  private readonly logger = new Logger('Chat');
  private closing = false;
  private readonly buckets = new WeakMap<AppSocket, TokenBucket>();
  private readonly typingThrottles = new WeakMap<AppSocket, KeyedThrottle>();

  constructor(
    private readonly messages: ChatMessagesService,
    private readonly rooms: ChatRoomsService,
    private readonly presence: ChatPresenceService,
  ) {}

  async handleConnection(socket: AppSocket): Promise<void> {
    // The busiest event skips Nest's per-message dispatch; same answers (acked-event.ts).
    onAckedEvent(socket, 'chat.send', parseSendMessage, (body) => this.send(socket, body));
    if (socket.data.principal?.kind !== 'user') return;
    this.buckets.set(socket, new TokenBucket(SEND_RATE_PER_SECOND, SEND_BURST, Date.now()));
    this.typingThrottles.set(socket, new KeyedThrottle(TYPING_INTERVAL_MS));
    await this.trackPresence(socket, 'online');
  }

  async handleDisconnect(socket: AppSocket): Promise<void> {
    if (socket.data.principal?.kind !== 'user') return;
    await this.trackPresence(socket, 'gone');
  }

  /** Sockets dropped by the shutdown still leave the presence hash, silently. */
  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  send(socket: AppSocket, body: SendMessageDto): Promise<ChatSendAck> {
    this.takeToken(socket);
    return this.messages.send(socket.data.principal.id, body);
  }

  @SubscribeMessage('chat.edit')
  edit(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() body: SocketEditMessageDto,
  ): Promise<MessageDto> {
    this.takeToken(socket);
    return this.messages.edit(socket.data.principal.id, body.messageId, body.text);
  }

  @SubscribeMessage('chat.delete')
  delete(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() body: MessageRefDto,
  ): Promise<MessageDto> {
    this.takeToken(socket);
    return this.messages.delete(socket.data.principal.id, body.messageId);
  }

  @SubscribeMessage('chat.read')
  read(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() body: ReadPositionDto,
  ): Promise<ReadPosition> {
    return this.messages.markRead(socket.data.principal.id, body.roomId, body.messageId);
  }

  /** Volatile and not persisted: a lost typing signal is replaced by the next one. */
  @SubscribeMessage('chat.typing')
  async typing(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() body: RoomRefDto,
  ): Promise<ChatTypingAck> {
    const userId = socket.data.principal.id;
    const members = await this.rooms.membersOf(body.roomId, userId);
    const throttle = this.typingThrottles.get(socket);
    if (throttle && !throttle.allow(body.roomId, Date.now())) return { sent: false };
    const others = members.filter((m) => m !== userId).map((m) => rooms.user(m));
    // An empty room list would mean "everyone" to Socket.IO.
    if (others.length > 0) {
      socket.to(others).volatile.emit('chat.typing', { roomId: body.roomId, userId });
    }
    return { sent: true };
  }

  @SubscribeMessage('presence.set')
  async setPresence(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() body: SetPresenceDto,
  ): Promise<{ status: PresenceStatus }> {
    const status = await this.presence.socketState(
      socket.data.principal.id,
      socket.id,
      body.status,
    );
    return { status };
  }

  private takeToken(socket: AppSocket): void {
    if (this.buckets.get(socket)?.tryTake(Date.now()) === false) {
      throw new AppError('RATE_LIMITED', `At most ${SEND_RATE_PER_SECOND} messages a second`);
    }
  }

  private async trackPresence(socket: AppSocket, state: 'online' | 'gone'): Promise<void> {
    try {
      await this.presence.socketState(
        socket.data.principal.id,
        socket.id,
        state,
        () => !this.closing,
      );
    } catch (err) {
      // Presence is a hint; a Redis hiccup must not refuse or break the connection.
      this.logger.warn({ err, socket: socket.id }, 'could not record chat presence');
    }
  }
}
