import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { Subscription } from 'rxjs';
import { AppConfig } from '@/config/app-config';
import { CallDomainEvent, CallsEventBus } from '@/modules/calls/calls.events';
import { isPbxCallId, PbxCommand, pbxCommandsKey } from '@/modules/pbx/ami/pbx-commands';
import { REDIS } from '@/redis/redis.module';

/**
 * Control mode: when someone accepts the offer of an Asterisk call (the router records the answer
 * as `system`), the connector is asked to redirect the caller's channel to their extension.
 * Runs where offers are accepted or assigned: the API and the worker.
 */
@Injectable()
export class PbxControlListener implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('PbxControl');
  private subscription?: Subscription;

  constructor(
    private readonly config: AppConfig,
    private readonly bus: CallsEventBus,
    private readonly em: EntityManager,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onModuleInit(): void {
    if (this.config.ami?.mode !== 'control') return;
    this.subscription = this.bus.events$.subscribe((event) => {
      this.onCall(event).catch((err: unknown) =>
        this.logger.error({ err, callId: event.externalId }, 'redirect request failed'),
      );
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  private async onCall(event: CallDomainEvent): Promise<void> {
    if (event.type !== 'call.answered' || event.source !== 'system' || !event.live) return;
    if (!isPbxCallId(event.externalId) || event.currentAgentId === null) return;
    const [user] = await this.em
      .fork()
      .getConnection()
      .execute<{ extension: string | null }[]>(`select extension from users where id = ?`, [
        event.currentAgentId,
      ]);
    if (!user?.extension) {
      this.logger.warn(`call ${event.externalId}: the agent has no extension to redirect to`);
      return;
    }
    const command: PbxCommand = {
      kind: 'redirect',
      callId: event.externalId,
      extension: user.extension,
    };
    await this.redis.lpush(pbxCommandsKey(this.config.redis.prefix), JSON.stringify(command));
  }
}
