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

  /** Whether "call back" and "call now" can go through the PBX (control mode). */
  canOriginate(): boolean {
    return this.config.ami?.mode === 'control';
  }

  /**
   * "Call back" on a missed or abandoned call: the PBX rings the person's own phone first and,
   * once they pick up, dials the caller's number.
   */
  async dialBack(who: Principal, callId: string): Promise<{ extension: string; number: string }> {
    this.requireControl();
    const connection = this.em.getConnection();
    const [call] = await connection.execute<
      { external_id: string; from_number: string | null; outcome: string }[]
    >(`select external_id, from_number, outcome from calls where id = ?`, [callId]);
    if (!call) throw new AppError('CALL_NOT_FOUND', `Call ${callId} does not exist`);
    if (call.outcome !== 'missed' && call.outcome !== 'abandoned') {
      throw new AppError('CALL_NOT_UNFINISHED', 'Only a missed or abandoned call is called back');
    }
    if (call.from_number === null || !call.from_number.startsWith('+')) {
      throw new AppError('NO_NUMBER_TO_CALL', 'The caller left no number to call back');
    }
    return this.originate(who, call.external_id, call.from_number);
  }

  /**
   * Ring `who`'s own phone, then dial `number` (E.164). `label` names what it is for in the
   * connector's log (a call's Linkedid, `plan:<id>`).
   */
  async originate(
    who: Principal,
    label: string,
    number: string,
  ): Promise<{ extension: string; number: string }> {
    this.requireControl();
    const [user] = await this.em
      .getConnection()
      .execute<{ extension: string | null }[]>(`select extension from users where id = ?`, [
        who.id,
      ]);
    if (!user?.extension) {
      throw new AppError('NO_EXTENSION', 'You have no extension for the PBX to ring first');
    }
    const command: PbxCommand = {
      kind: 'originate',
      callId: label,
      extension: user.extension,
      number,
    };
    await this.redis.lpush(pbxCommandsKey(this.config.redis.prefix), JSON.stringify(command));
    return { extension: user.extension, number };
  }

  private requireControl(): void {
    if (!this.canOriginate()) {
      throw new AppError(
        'PBX_NOT_CONFIGURED',
        'Calling through the PBX needs the Asterisk connector in control mode (AMI_MODE=control)',
      );
    }
  }
}
