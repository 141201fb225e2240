import { RequestContext } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { pgArray } from '@/database/pg-array';
import { Call } from '@/modules/calls/entities/call.entity';
import { DossierService } from '@/modules/calls/dossier.service';
import type { DossierDto } from '@/modules/calls/dto/dossier.dto';
import type { PresenceDto } from '@/modules/staff/dto/presence.dto';
import { PresenceService } from '@/modules/staff/presence.service';

export interface ConsoleCall {
  id: string;
  callId: string;
  status: string;
  from: string | null;
  line: string | null;
  queue: string | null;
  priority: number;
  arrivedAt: string;
  waitingSince: string;
  offeredTo: string | null;
  dossier: DossierDto;
}

export interface QueueSnapshot {
  at: string;
  calls: ConsoleCall[];
  staff: PresenceDto[];
}

/** Calls whose last event is older than this are history, not something ringing now. */
const LIVE_WINDOW_HOURS = 6;
const MAX_SNAPSHOT_CALLS = 200;
const WAITING_OR_RINGING = ['arrived', 'queued', 'offered', 'transferred'];

/** What a receptionist or supervisor sees on connecting, before the live deltas. */
@Injectable()
export class ConsoleSnapshotService {
  constructor(
    private readonly em: EntityManager,
    private readonly dossiers: DossierService,
    private readonly presence: PresenceService,
  ) {}

  snapshot(): Promise<QueueSnapshot> {
    return RequestContext.create(this.em, async () => {
      const em = this.em;
      const calls = await em.find(
        Call,
        {
          // Answered and waiting again is a call transferred after its first answer.
          outcome: { $in: ['in_progress', 'answered'] },
          status: { $in: WAITING_OR_RINGING as Call['status'][] },
          lastEventAt: { $gte: new Date(Date.now() - LIVE_WINDOW_HOURS * 3600_000) },
        },
        { orderBy: { priority: 'desc', arrivedAt: 'asc' }, limit: MAX_SNAPSHOT_CALLS },
      );
      type PendingOffer = { item_id: string; staff_id: string };
      const offers: PendingOffer[] =
        calls.length === 0
          ? []
          : await em
              .getConnection()
              .execute<PendingOffer[]>(
                `select item_id, staff_id from offers where status = 'pending' and item_id = any(?::uuid[])`,
                [pgArray(calls.map((c) => c.id))],
              );
      const offeredTo = new Map<string, string>(offers.map((o) => [o.item_id, o.staff_id]));
      const rows: ConsoleCall[] = [];
      for (const call of calls) {
        rows.push({
          id: call.id,
          callId: call.externalId,
          status: call.status,
          from: call.fromNumber,
          line: call.lineCode,
          queue: call.queueCode,
          priority: call.priority,
          arrivedAt: call.arrivedAt.toISOString(),
          waitingSince: (call.queuedAt ?? call.arrivedAt).toISOString(),
          offeredTo: offeredTo.get(call.id) ?? null,
          dossier: await this.dossiers.forCall(call),
        });
      }
      return { at: new Date().toISOString(), calls: rows, staff: await this.presence.list() };
    });
  }
}
