import { Module } from '@nestjs/common';
import { ChatGateway } from '@/modules/chat/chat.gateway';
import { ChatModule } from '@/modules/chat/chat.module';

/** Socket handlers live only in the API process. */
@Module({ imports: [ChatModule], providers: [ChatGateway] })
export class ChatGatewayModule {}
