import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import type { Principal } from '@/common/auth/roles';
import { AppError } from '@/common/errors/app-error';
import { AppConfig } from '@/config/app-config';
import { PbxCommand, pbxCommandsKey } from '@/modules/pbx/ami/pbx-commands';
import { REDIS } from '@/redis/redis.module';

/** Control mode requests that come from people rather than from call events. */
@Injectable()
export class PbxControlService {
  constructor(
    private readonly config: AppConfig,
    private readonly em: EntityManager,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /**
   * "Call back" on a missed or abandoned call: the PBX rings the person's own phone first and,
   * once they pick up, dials the caller's number.
   */
  async dialBack(who: Principal, callId: string): Promise<{ extension: string; number: string }> {
    if (this.config.ami?.mode !== 'control') {
      throw new AppError('CONFLICT', 'Calling back needs the Asterisk connector in control mode');
    }
    const connection = this.em.getConnection();
    const [call] = await connection.execute<
      { external_id: string; from_number: string | null; outcome: string }[]
    >(`select external_id, from_number, outcome from calls where id = ?`, [callId]);
    if (!call) throw new AppError('CALL_NOT_FOUND', `Call ${callId} does not exist`);
    if (call.outcome !== 'missed' && call.outcome !== 'abandoned') {
      throw new AppError('CALL_NOT_UNFINISHED', 'Only a missed or abandoned call is called back');
    }
    if (call.from_number === null || !call.from_number.startsWith('+')) {
      throw new AppError('CONFLICT', 'The caller left no number to call back');
    }
    const [user] = await connection.execute<{ extension: string | null }[]>(
      `select extension from users where id = ?`,
      [who.id],
    );
    if (!user?.extension) {
      throw new AppError('CONFLICT', 'You have no extension for the PBX to ring first');
    }
    const command: PbxCommand = {
      kind: 'originate',
      callId: call.external_id,
      extension: user.extension,
      number: call.from_number,
    };
    await this.redis.lpush(pbxCommandsKey(this.config.redis.prefix), JSON.stringify(command));
    return { extension: user.extension, number: call.from_number };
  }
}
