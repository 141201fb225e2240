import { Logger, UseInterceptors } from '@nestjs/common';
import {
  ConnectedSocket,
  OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { AppError } from '@/common/errors/app-error';
import type { AppSocket } from '@/realtime/realtime.gateway';
import { WsAckInterceptor } from '@/realtime/ws-ack.interceptor';
import { inConnectionHook } from '@/realtime/connection-hook';
import { ConsoleSnapshotService, QueueSnapshot } from '@/modules/routing/console-snapshot.service';

const CONSOLE_ROLES = new Set(['receptionist', 'supervisor', 'admin']);

/** Receptionists and supervisors get the live queue on connect, then deltas from the features. */
@WebSocketGateway()
@UseInterceptors(WsAckInterceptor)
export class ConsoleGateway implements OnGatewayConnection<AppSocket> {
  private readonly logger = new Logger('Console');

  constructor(private readonly snapshots: ConsoleSnapshotService) {}

  async handleConnection(socket: AppSocket): Promise<void> {
    if (!this.isConsole(socket)) return;
    // On failure the console asks again with the queue.snapshot event.
    await inConnectionHook(this.logger, 'queue snapshot on connect', async () => {
      socket.emit('queue.snapshot', await this.snapshots.snapshot());
    });
  }

  /** A console that lost track (e.g. after a long sleep) asks again. */
  @SubscribeMessage('queue.snapshot')
  refresh(@ConnectedSocket() socket: AppSocket): Promise<QueueSnapshot> {
    if (!this.isConsole(socket))
      throw new AppError('FORBIDDEN', 'The live queue is for receptionists and supervisors');
    return this.snapshots.snapshot();
  }

  private isConsole(socket: AppSocket): boolean {
    return socket.data.principal?.roles.some((role) => CONSOLE_ROLES.has(role)) ?? false;
  }
}
