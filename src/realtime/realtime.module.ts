import { Global, Module } from '@nestjs/common';
import { RealtimePublisher, ServerHolder, SOCKET_SERVER } from '@/realtime/realtime.publisher';

/** The publisher, available in every process; the gateway is added only by the API module. */
@Global()
@Module({
  providers: [{ provide: SOCKET_SERVER, useFactory: (): ServerHolder => ({}) }, RealtimePublisher],
  exports: [RealtimePublisher, SOCKET_SERVER],
})
export class RealtimeModule {}
