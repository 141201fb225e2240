import { randomUUID } from 'node:crypto';
import { ObjectQuery } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import { hasAnyRole, Principal } from '@/common/auth/roles';
import { AppError } from '@/common/errors/app-error';
import { PageQueryDto } from '@/common/pagination/page.dto';
import { CallIngestService } from '@/modules/calls/call-ingest.service';
import { compareEvents } from '@/modules/calls/call-projection';
import {
  ListCallsQueryDto,
  RegisterCallDto,
  UnfinishedCallsQueryDto,
} from '@/modules/calls/dto/call.dto';
import { CallEvent } from '@/modules/calls/entities/call-event.entity';
import { Call } from '@/modules/calls/entities/call.entity';
import type { IncomingCallEvent } from '@/modules/calls/telephony-event';
import { Client } from '@/modules/directory/entities/client.entity';
import { Line } from '@/modules/directory/entities/line.entity';
import { Queue } from '@/modules/directory/entities/queue.entity';
import { sameTextPattern } from '@/modules/directory/like-pattern';
import { normalizePhone } from '@/modules/directory/phone-number';
import { outboxMessage } from '@/outbox/outbox.catalogue';
import { OutboxRepository } from '@/outbox/outbox.repository';
import { OutboxRelay } from '@/outbox/outbox.relay';

const UNFINISHED_OUTCOMES = ['missed', 'abandoned'] as const;

@Injectable()
export class CallsService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly ingest: CallIngestService,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
  ) {}

  /**
   * A call a receptionist enters by hand goes through the same event path as a telephony call,
   * so it has the same lifecycle, projection, caller matching and live events.
   */
  async register(input: RegisterCallDto): Promise<Call> {
    const from = normalizePhone(input.from, this.config.defaultPhoneRegion, 'from');
    // Unlike telephony, a person picks these from lists: an unknown one is a mistake to refuse,
    // not a new code to record.
    const [line, queue, client] = await Promise.all([
      this.em.findOne(Line, { code: { $ilike: sameTextPattern(input.line) } }),
      input.queue === undefined
        ? null
        : this.em.findOne(Queue, { code: { $ilike: sameTextPattern(input.queue) } }),
      input.clientId === undefined ? null : this.em.findOne(Client, { id: input.clientId }),
    ]);
    if (!line) {
      throw new AppError('VALIDATION_FAILED', `Line '${input.line}' does not exist`, {
        field: 'line',
      });
    }
    if (input.queue !== undefined && !queue) {
      throw new AppError('VALIDATION_FAILED', `Queue '${input.queue}' does not exist`, {
        field: 'queue',
      });
    }
    if (input.clientId !== undefined && !client) {
      throw new AppError('VALIDATION_FAILED', `Client ${input.clientId} does not exist`, {
        field: 'clientId',
      });
    }

    const externalId = `manual:${randomUUID()}`;
    const at = new Date();
    const base = { callId: externalId, at, line: line.code, agent: null, from, to: line.number };
    const events: IncomingCallEvent[] = [
      { ...base, id: `manual:${randomUUID()}`, type: 'arrived', queue: queue?.code ?? null },
    ];
    if (queue)
      events.push({ ...base, id: `manual:${randomUUID()}`, type: 'queued', queue: queue.code });

    const { callIds } = await this.ingest.ingest(events, {
      source: 'manual',
      newCalls: new Map([
        [
          externalId,
          {
            clientId: client?.id ?? null,
            topic: input.topic ?? null,
            note: input.note ?? null,
            priority: input.priority ?? 0,
          },
        ],
      ]),
    });
    const id = callIds.get(externalId);
    if (!id) throw new Error(`registered call ${externalId} was not stored`);
    return this.load(id);
  }

  async list(query: ListCallsQueryDto): Promise<[Call[], number]> {
    const where = placeFilter(query);
    if (query.status !== undefined) where.status = query.status;
    if (query.outcome !== undefined) where.outcome = query.outcome;
    if (query.externalId !== undefined) where.externalId = query.externalId;
    if (query.from !== undefined || query.to !== undefined) {
      where.arrivedAt = {
        ...(query.from !== undefined ? { $gte: new Date(query.from) } : {}),
        ...(query.to !== undefined ? { $lt: new Date(query.to) } : {}),
      };
    }
    return this.em.findAndCount(Call, where, {
      populate: ['answeredBy'],
      orderBy: { arrivedAt: 'desc', id: 'desc' },
      limit: query.limit,
      offset: query.offset,
    });
  }

  /**
   * Agents see only the calls they answered; the front office sees every call. An agent asking
   * for any other id gets FORBIDDEN whether or not it exists, so ids cannot be probed.
   */
  async getFor(principal: Principal, id: string): Promise<Call> {
    if (hasAnyRole(principal, ['admin', 'supervisor', 'receptionist'])) return this.load(id);
    const call = await this.em.findOne(
      Call,
      { id, answeredBy: principal.id },
      { populate: ['answeredBy'] },
    );
    if (!call) throw new AppError('FORBIDDEN', 'Agents may only read the calls they answered');
    return call;
  }

  async events(principal: Principal, id: string): Promise<CallEvent[]> {
    await this.getFor(principal, id);
    const events = await this.em.find(CallEvent, { call: id });
    // The projection's order (time, then lifecycle step, then id), so events of one instant read
    // as arrived → queued, as the call row was computed.
    return events.sort(compareEvents);
  }

  async clientHistory(clientId: string, query: PageQueryDto): Promise<[Call[], number]> {
    const client = await this.em.findOne(Client, { id: clientId }, { fields: ['id'] });
    if (!client) throw AppError.notFound('Client', clientId);
    return this.em.findAndCount(
      Call,
      { client: clientId },
      {
        populate: ['answeredBy'],
        orderBy: { arrivedAt: 'desc', id: 'desc' },
        limit: query.limit,
        offset: query.offset,
      },
    );
  }

  /** Missed and abandoned calls nobody has called back yet, the longest-waiting first. */
  async unfinished(query: UnfinishedCallsQueryDto): Promise<[Call[], number]> {
    return this.em.findAndCount(
      Call,
      { ...placeFilter(query), outcome: { $in: [...UNFINISHED_OUTCOMES] }, calledBackAt: null },
      {
        populate: ['answeredBy'],
        orderBy: { arrivedAt: 'asc', id: 'asc' },
        limit: query.limit,
        offset: query.offset,
      },
    );
  }

  /**
   * Idempotent: the first callback recorded stays, so two people marking it keep one time. The
   * first one also writes `call.called-back` to the outbox: the planner closes its callback.
   */
  async callbackDone(principal: Principal, id: string): Promise<Call> {
    const call = await this.load(id);
    if (!(UNFINISHED_OUTCOMES as readonly string[]).includes(call.outcome)) {
      throw new AppError(
        'CALL_NOT_UNFINISHED',
        `Call ${id} is ${call.outcome}; only missed or abandoned calls are called back`,
      );
    }
    const byUserId = principal.kind === 'user' ? principal.id : null;
    const message = await this.em.transactional(async (tx) => {
      if (!(await this.markCalledBack(tx, id, byUserId))) return null;
      const calledBack = outboxMessage('call.called-back', { callId: id, byUserId });
      await this.outbox.append(tx, [calledBack]);
      return calledBack;
    });
    if (message) await this.relay.dispatch([message]);
    await this.em.refresh(call);
    return call;
  }

  /**
   * In the caller's transaction: a missed or abandoned call not called back yet is marked called
   * back now (the planner, when a callback plan is done). False when there was nothing to mark.
   */
  async markCalledBack(tx: EntityManager, id: string, byUserId: string | null): Promise<boolean> {
    const rows = await tx.execute<{ id: string }[]>(
      `update calls set called_back_at = now(), called_back_by_id = ?
        where id = ? and called_back_at is null and outcome in ('missed', 'abandoned')
        returning id`,
      [byUserId, id],
    );
    return rows.length > 0;
  }

  private async load(id: string): Promise<Call> {
    const call = await this.em.findOne(Call, { id }, { populate: ['answeredBy'] });
    if (!call) throw new AppError('CALL_NOT_FOUND', `Call ${id} does not exist`);
    return call;
  }
}

function placeFilter(query: UnfinishedCallsQueryDto): ObjectQuery<Call> {
  const where: ObjectQuery<Call> = {};
  if (query.queue !== undefined) where.queueCode = { $ilike: sameTextPattern(query.queue) };
  if (query.line !== undefined) where.lineCode = { $ilike: sameTextPattern(query.line) };
  if (query.clientId !== undefined) where.client = query.clientId;
  // Digits only (the DTO allows nothing else), so there is no LIKE wildcard to escape.
  if (query.caller !== undefined)
    where.fromNumber = { $like: `%${query.caller.replace('+', '')}%` };
  return where;
}
