import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';

export interface OpenPbxCall {
  external_id: string;
  line_code: string | null;
  queue_code: string | null;
}

@Injectable()
export class PbxConnectorRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Telephony calls still in progress whose id is an Asterisk Linkedid (`1700000000.12`): what
   * the resynchronisation after a reconnect compares with the channels Asterisk still has.
   */
  async openCalls(): Promise<OpenPbxCall[]> {
    return this.em
      .fork()
      .getConnection()
      .execute<OpenPbxCall[]>(
        `select external_id, line_code, queue_code from calls
        where source = 'telephony'
          and status in ('arrived', 'queued', 'offered', 'answered', 'transferred')
          and last_event_at > now() - interval '6 hours'
          and external_id ~ '^[0-9]+\\.[0-9]+$'`,
      );
  }

  async lines(): Promise<{ code: string; number: string | null }[]> {
    return this.em
      .fork()
      .getConnection()
      .execute<{ code: string; number: string | null }[]>(`select code, number from lines`);
  }
}
