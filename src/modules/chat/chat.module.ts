import { Module } from '@nestjs/common';
import { NotificationsModule } from '@/modules/notifications/notifications.module';
import { ChatController } from '@/modules/chat/chat.controller';
import { ChatMessagesService } from '@/modules/chat/chat-messages.service';
import { ChatPresenceService } from '@/modules/chat/chat-presence.service';
import { ChatRoomsService } from '@/modules/chat/chat-rooms.service';

/** Chat delivers through the notifications feature's delivery contract and notifies mentions. */
@Module({
  imports: [NotificationsModule],
  controllers: [ChatController],
  providers: [ChatRoomsService, ChatMessagesService, ChatPresenceService],
  exports: [ChatRoomsService, ChatMessagesService, ChatPresenceService],
})
export class ChatModule {}
