import { FilterQuery, LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { hasAnyRole, Principal, Role } from '@/common/auth/roles';
import { AppError } from '@/common/errors/app-error';
import { AppConfig } from '@/config/app-config';
import { CallsService } from '@/modules/calls/calls.service';
import { Call } from '@/modules/calls/entities/call.entity';
import { Client } from '@/modules/directory/entities/client.entity';
import { ContactPerson } from '@/modules/directory/entities/contact-person.entity';
import {
  CreatePlannedContactDto,
  DoneDto,
  ListPlannedContactsQueryDto,
  PlanCallbackDto,
  PlannedContactDto,
  PlanHistoryItemDto,
  PostponeDto,
  ReasonDto,
  UpdatePlannedContactDto,
} from '@/modules/planner/dto/planned-contact.dto';
import {
  PlanAction,
  PlannedContactHistory,
} from '@/modules/planner/entities/planned-contact-history.entity';
import {
  PlannedContact,
  PlannedKind,
  PlannedOrigin,
} from '@/modules/planner/entities/planned-contact.entity';
import { PlannerReason } from '@/modules/planner/entities/planner-reason.entity';
import {
  CallCalledBack,
  CallHeld,
  PlannerChange,
  PlannerChanged,
} from '@/modules/planner/planner.events';
import { PlannerRepository } from '@/modules/planner/planner.repository';
import {
  dueAt,
  hasDuration,
  hasReason,
  isOpen,
  OPEN_STATUSES,
  postponeProblem,
} from '@/modules/planner/planner-rules';
import { PlannerSchedule } from '@/modules/planner/planner-schedule';
import { RequestStage } from '@/modules/requests/entities/request-stage.entity';
import { Request } from '@/modules/requests/entities/request.entity';
import { User } from '@/modules/staff/entities/user.entity';
import { OutboxMessage, outboxMessage } from '@/outbox/outbox.catalogue';
import { OutboxRepository } from '@/outbox/outbox.repository';
import { OutboxRelay } from '@/outbox/outbox.relay';

/** Receptionists, supervisors and admins plan for others and see everyone's plans. */
export const PLANNER_CONSOLE_ROLES: readonly Role[] = ['admin', 'supervisor', 'receptionist'];

const DEFAULT_DURATION: Record<PlannedKind, number | null> = {
  call: 15,
  meeting: 60,
  task: null,
  email: null,
};

/** A call that did a planned call may have started up to this long before the planned start. */
const LINK_SLACK_MS = 3_600_000;

type PlanFields = Pick<
  PlannedContact,
  | 'kind'
  | 'subject'
  | 'note'
  | 'startsAt'
  | 'durationMinutes'
  | 'origin'
  | 'client'
  | 'contact'
  | 'followsCall'
  | 'followsRequest'
  | 'followsPlanned'
> &
  Partial<Pick<PlannedContact, 'followsRequestStage'>> & {
    assigneeId: string;
    createdById: string | null;
  };

/**
 * Planned contacts: created by hand, from a call, from a held or missed call, from a request;
 * moved through done, postponed, failed or cancelled. Every change writes a `planner.changed`
 * outbox row in its transaction; its delivery sends the socket delta and moves the reminder and
 * overdue jobs (PlannerSchedule), and is repeated by the relay's sweep if it did not finish.
 */
@Injectable()
export class PlannerService implements OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly repo: PlannerRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly schedule: PlannerSchedule,
    private readonly calls: CallsService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.relay.handle('planner.changed', (changed) => this.schedule.deliver(changed));
    this.relay.handle('call.called-back', (calledBack) => this.closeCallbacks(calledBack));
    this.relay.handle('call.held', (held) => this.afterHold(held));
  }

  /**
   * Before a hold for callback: the outbox row that plans the call back once the hold is
   * recorded. Written first so that a process dying right after the hold loses nothing; call
   * `afterHoldAttempt` when the hold has succeeded or failed.
   */
  async beforeHold(callId: string, heldByUserId: string | null) {
    const message = outboxMessage('call.held', { callId, heldByUserId });
    await this.em.fork().transactional((tx) => this.outbox.append(tx, [message]));
    return message;
  }

  async afterHoldAttempt(message: OutboxMessage<'call.held'>): Promise<void> {
    await this.relay.dispatch([message]);
  }

  /**
   * The outbox handler of `call.held`. The hold is recorded as routing's `callback:<id>` event;
   * a call that still waits without it is retried later (the hold is under way), any other
   * call was not held (the hold was refused) and gets nothing.
   */
  private async afterHold({ callId, heldByUserId }: CallHeld): Promise<void> {
    const rows = await this.em.fork().execute<{ status: string; outcome: string; held: boolean }[]>(
      `select c.status, c.outcome, exists (select 1 from call_events e where e.id = ?) as held
           from calls c where c.id = ?`,
      [`callback:${callId}`, callId],
    );
    const call = rows[0];
    if (!call) return;
    if (call.held) {
      await this.planMissedCallback(callId, 'hold', heldByUserId);
      return;
    }
    if (
      call.outcome === 'in_progress' &&
      ['arrived', 'queued', 'offered', 'transferred'].includes(call.status)
    ) {
      throw new Error(`call ${callId} is being held for a callback; not recorded yet`);
    }
  }

  async create(who: Principal, input: CreatePlannedContactDto): Promise<PlannedContact> {
    const assigneeId = input.assigneeId ?? who.id;
    this.requireMayPlanFor(who, assigneeId);
    await this.requireActiveUser(assigneeId, 'assigneeId');
    const stage =
      input.followsRequestStageId === undefined
        ? null
        : await this.em.findOne(RequestStage, input.followsRequestStageId, {
            populate: ['request', 'request.client'],
          });
    if (input.followsRequestStageId !== undefined && !stage) refuse('followsRequestStageId');
    if (
      stage &&
      input.followsRequestId !== undefined &&
      input.followsRequestId !== stage.request.id
    ) {
      throw new AppError('VALIDATION_FAILED', 'The stage belongs to another request', {
        field: 'followsRequestStageId',
      });
    }
    const [followsCall, namedRequest, followsPlanned] = await Promise.all([
      input.followsCallId === undefined
        ? null
        : this.mustFind(Call, input.followsCallId, 'followsCallId'),
      input.followsRequestId === undefined
        ? null
        : this.mustFind(Request, input.followsRequestId, 'followsRequestId'),
      input.followsPlannedId === undefined
        ? null
        : this.loadFor(who, input.followsPlannedId).catch(() => refuse('followsPlannedId')),
    ]);
    const followsRequest = stage?.request ?? namedRequest;
    const { client, contact } = await this.parties(
      input.clientId ??
        followsCall?.client?.id ??
        followsRequest?.client?.id ??
        followsPlanned?.client?.id,
      input.contactId,
    );
    const origin: PlannedOrigin = followsRequest
      ? 'request'
      : followsCall
        ? 'call'
        : followsPlanned
          ? 'planned'
          : 'manual';
    return this.insert({
      assigneeId,
      createdById: who.id,
      kind: input.kind,
      subject: input.subject,
      note: input.note ?? null,
      startsAt: new Date(input.startsAt),
      durationMinutes: durationFor(input.kind, input.durationMinutes),
      origin,
      client,
      contact,
      followsCall,
      followsRequest,
      followsRequestStage: stage,
      followsPlanned,
    });
  }

  /** "Plan a call back" on a call: the client, the contact person and the link come from it. */
  async planCallback(who: Principal, callId: string, input: PlanCallbackDto) {
    const call = await this.em.findOne(Call, callId, { populate: ['client', 'contact'] });
    if (!call) throw new AppError('CALL_NOT_FOUND', `Call ${callId} does not exist`);
    if (!hasAnyRole(who, PLANNER_CONSOLE_ROLES) && call.answeredBy?.id !== who.id) {
      throw new AppError('FORBIDDEN', 'Agents may plan a call back only on calls they answered');
    }
    const assigneeId = input.assigneeId ?? who.id;
    this.requireMayPlanFor(who, assigneeId);
    await this.requireActiveUser(assigneeId, 'assigneeId');
    return this.insert({
      assigneeId,
      createdById: who.id,
      kind: 'call',
      subject: input.subject ?? `Call back ${call.client?.name ?? call.fromNumber ?? 'the caller'}`,
      note: input.note ?? null,
      startsAt: input.startsAt === undefined ? new Date() : new Date(input.startsAt),
      durationMinutes: input.durationMinutes ?? DEFAULT_DURATION.call,
      origin: 'call',
      client: call.client,
      contact: call.contact,
      followsCall: call,
      followsRequest: null,
      followsPlanned: null,
    });
  }

  /**
   * A missed call (or one held for a callback) becomes a planned call back, due within the
   * queue's callback target, for the client's curator or else for `fallbackAssigneeId` (the
   * receptionist who held it). One per call: a repeat returns the plan already there.
   */
  async planMissedCallback(
    callId: string,
    origin: 'hold' | 'missed',
    fallbackAssigneeId: string | null,
  ): Promise<PlannedContact | null> {
    const existing = await this.em.fork().findOne(PlannedContact, {
      followsCall: callId,
      origin: { $in: ['hold', 'missed'] },
    });
    if (existing) return existing;
    const call = await this.em
      .fork()
      .findOne(Call, callId, { populate: ['client', 'client.curator', 'contact', 'queue'] });
    if (!call) return null;
    const curator = call.client?.curator?.active ? call.client.curator : null;
    const assigneeId = curator?.id ?? fallbackAssigneeId;
    if (assigneeId === null) return null;
    const target = call.queue?.callbackTargetMinutes ?? this.config.planner.callbackTargetMinutes;
    const who = call.client?.name ?? call.fromNumber ?? 'the caller';
    try {
      return await this.insert({
        assigneeId,
        createdById: fallbackAssigneeId,
        kind: 'call',
        subject: origin === 'hold' ? `Call back ${who} (held)` : `Call back ${who} (missed call)`,
        note: call.note,
        startsAt: new Date(),
        durationMinutes: target,
        origin,
        client: call.client,
        contact: call.contact,
        followsCall: call,
        followsRequest: null,
        followsPlanned: null,
      });
    } catch (err) {
      // The hold and the missed-call reaction raced for the same call: one plan is enough.
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      return this.em.fork().findOne(PlannedContact, {
        followsCall: callId,
        origin: { $in: ['hold', 'missed'] },
      });
    }
  }

  async list(
    who: Principal,
    query: ListPlannedContactsQueryDto,
  ): Promise<[PlannedContact[], number]> {
    const where: FilterQuery<PlannedContact> = {};
    if (!hasAnyRole(who, PLANNER_CONSOLE_ROLES)) {
      if (query.assigneeId !== undefined && query.assigneeId !== who.id) {
        throw new AppError('FORBIDDEN', 'Agents see only their own planned contacts', {
          field: 'assigneeId',
        });
      }
      where.assignee = who.id;
    } else if (query.assigneeId !== undefined) {
      where.assignee = query.assigneeId;
    }
    if (query.clientId !== undefined) where.client = query.clientId;
    if (query.status !== undefined) where.status = query.status;
    const starts: { $gte?: Date; $lt?: Date } = {};
    if (query.from !== undefined) starts.$gte = new Date(query.from);
    if (query.to !== undefined) starts.$lt = new Date(query.to);
    if (query.from !== undefined || query.to !== undefined) where.startsAt = starts;
    if (query.overdue === true) {
      where.status = { $in: [...OPEN_STATUSES] };
      where.dueAt = { $lt: new Date() };
    }
    return this.repo.findAndCount(where, query.limit, query.offset);
  }

  /** Agents reach only their own plans; another's is answered as if it did not exist. */
  async loadFor(who: Principal, id: string, em: EntityManager = this.em): Promise<PlannedContact> {
    const plan = await em.findOne(PlannedContact, id, { refresh: true });
    if (!plan || !this.maySee(who, plan)) {
      throw new AppError('PLANNED_CONTACT_NOT_FOUND', `Planned contact ${id} does not exist`);
    }
    return plan;
  }

  /**
   * The number "call now" dials for an open plan: the contact person's first phone, else the
   * client's, else that of the client's first contact person (by priority) who has one.
   */
  async numberToCall(who: Principal, id: string): Promise<string> {
    const plan = await this.loadFor(who, id);
    if (!isOpen(plan.status)) {
      throw new AppError('PLANNED_CONTACT_CLOSED', `Planned contact ${id} is ${plan.status}`);
    }
    const contact = plan.contact ? await this.em.findOne(ContactPerson, plan.contact.id) : null;
    if (contact?.phones[0] !== undefined) return contact.phones[0];
    if (plan.client) {
      const client = await this.em.findOne(Client, plan.client.id);
      if (client?.phones[0] !== undefined) return client.phones[0];
      const [other] = await this.em.getConnection().execute<{ phone: string }[]>(
        `select phones[1] as phone from contact_persons
          where client_id = ? and cardinality(phones) > 0
          order by priority desc, name, id limit 1`,
        [plan.client.id],
      );
      if (other) return other.phone;
    }
    throw new AppError('NO_NUMBER_TO_CALL', 'The plan has no client or contact with a phone');
  }

  async history(id: string): Promise<PlanHistoryItemDto[]> {
    const rows = await this.em.find(
      PlannedContactHistory,
      { plannedContact: id },
      { populate: ['reason'], orderBy: { at: 'asc', id: 'asc' } },
    );
    return rows.map((h) => ({
      action: h.action,
      at: h.at.toISOString(),
      actorId: h.actor?.id ?? null,
      fromStartsAt: h.fromStartsAt?.toISOString() ?? null,
      toStartsAt: h.toStartsAt?.toISOString() ?? null,
      reasonId: h.reason?.id ?? null,
      reason: h.reason?.label ?? null,
      reasonText: h.reasonText,
      note: h.note,
    }));
  }

  async update(
    who: Principal,
    id: string,
    input: UpdatePlannedContactDto,
  ): Promise<PlannedContact> {
    if (input.assigneeId !== undefined) {
      this.requireMayPlanFor(who, input.assigneeId);
      await this.requireActiveUser(input.assigneeId, 'assigneeId');
    }
    return this.change(who, id, 'update', async (tx, plan) => {
      const previousAssigneeId = plan.assignee.id;
      const previousDueAt = plan.dueAt;
      if (input.clientId !== undefined || input.contactId !== undefined) {
        const { client, contact } = await this.parties(
          input.clientId === undefined ? plan.client?.id : (input.clientId ?? undefined),
          input.contactId === undefined ? plan.contact?.id : (input.contactId ?? undefined),
        );
        plan.client = client;
        plan.contact = contact;
      }
      if (input.assigneeId !== undefined) plan.assignee = tx.getReference(User, input.assigneeId);
      if (input.kind !== undefined) plan.kind = input.kind;
      if (input.subject !== undefined) plan.subject = input.subject;
      if (input.note !== undefined) plan.note = input.note;
      if (input.kind !== undefined || input.durationMinutes !== undefined) {
        plan.durationMinutes = durationFor(
          plan.kind,
          input.durationMinutes ?? plan.durationMinutes,
        );
        plan.dueAt = dueAt(plan.startsAt, plan.durationMinutes);
      }
      this.record(tx, plan, who, 'updated', {});
      return {
        change: 'updated',
        previousStartsAt: plan.startsAt.toISOString(),
        previousDueAt: previousDueAt.toISOString(),
        previousAssigneeId,
      };
    });
  }

  /** Done: a planned call links the call that did it; a callback marks its missed call returned. */
  async done(who: Principal, id: string, input: DoneDto): Promise<PlannedContact> {
    const named =
      input.callId === undefined ? null : await this.mustFind(Call, input.callId, 'callId');
    return this.change(who, id, 'done', async (tx, plan) => {
      const now = new Date();
      let resultCallId = named?.id ?? null;
      if (resultCallId === null && plan.kind === 'call' && plan.client) {
        const since = new Date(
          Math.max(plan.createdAt.getTime(), plan.startsAt.getTime() - LINK_SLACK_MS),
        );
        resultCallId = await this.repo.linkableCall(plan.client.id, since);
      }
      plan.status = 'done';
      plan.closedAt = now;
      plan.resultCall = resultCallId === null ? null : tx.getReference(Call, resultCallId);
      if (plan.followsCall) {
        await this.calls.markCalledBack(tx, plan.followsCall.id, actorId(who));
      }
      this.record(tx, plan, who, 'done', { note: input.note });
      return closed('done');
    });
  }

  async postpone(who: Principal, id: string, input: PostponeDto): Promise<PlannedContact> {
    const reason = await this.reason(input);
    return this.change(who, id, 'postpone', (tx, plan) => {
      const to = new Date(input.startsAt);
      const problem = postponeProblem(plan.startsAt, to, input);
      if (problem === 'REASON_REQUIRED') throw reasonRequired('postpone');
      if (problem === 'SAME_TIME') {
        throw new AppError('VALIDATION_FAILED', 'startsAt must differ from the planned start', {
          field: 'startsAt',
        });
      }
      const previous = { startsAt: plan.startsAt, dueAt: plan.dueAt };
      plan.startsAt = to;
      if (input.durationMinutes !== undefined) {
        plan.durationMinutes = durationFor(plan.kind, input.durationMinutes);
      }
      plan.dueAt = dueAt(to, plan.durationMinutes);
      plan.status = 'postponed';
      plan.postponeCount += 1;
      plan.reason = reason;
      plan.reasonText = input.reasonText ?? null;
      this.record(tx, plan, who, 'postponed', {
        from: previous.startsAt,
        to,
        reason,
        reasonText: input.reasonText,
        note: input.note,
      });
      return Promise.resolve({
        change: 'postponed',
        previousStartsAt: previous.startsAt.toISOString(),
        previousDueAt: previous.dueAt.toISOString(),
        previousAssigneeId: null,
      });
    });
  }

  async fail(who: Principal, id: string, input: ReasonDto): Promise<PlannedContact> {
    if (!hasReason(input)) throw reasonRequired('fail');
    const reason = await this.reason(input);
    return this.change(who, id, 'fail', (tx, plan) => {
      plan.status = 'failed';
      plan.closedAt = new Date();
      plan.reason = reason;
      plan.reasonText = input.reasonText ?? null;
      this.record(tx, plan, who, 'failed', {
        reason,
        reasonText: input.reasonText,
        note: input.note,
      });
      return Promise.resolve(closed('failed'));
    });
  }

  async cancel(who: Principal, id: string, input: ReasonDto): Promise<PlannedContact> {
    const reason = await this.reason(input);
    return this.change(who, id, 'cancel', (tx, plan) => {
      plan.status = 'cancelled';
      plan.closedAt = new Date();
      if (reason || input.reasonText !== undefined) {
        plan.reason = reason;
        plan.reasonText = input.reasonText ?? null;
      }
      this.record(tx, plan, who, 'cancelled', {
        reason,
        reasonText: input.reasonText,
        note: input.note,
      });
      return Promise.resolve(closed('cancelled'));
    });
  }

  /**
   * The outbox handler of `call.called-back`: the client's missed call was returned, so the
   * planned calls that follow it are done (idempotent: a closed plan is left alone).
   */
  private async closeCallbacks({ callId, byUserId }: CallCalledBack): Promise<void> {
    const messages = await this.em.fork().transactional(async (tx) => {
      const plans = await tx.find(
        PlannedContact,
        { followsCall: callId, kind: 'call', status: { $in: [...OPEN_STATUSES] } },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const written: OutboxMessage<'planner.changed'>[] = [];
      for (const plan of plans) {
        plan.status = 'done';
        plan.closedAt = new Date();
        tx.create(PlannedContactHistory, {
          plannedContact: plan,
          action: 'done',
          at: plan.closedAt,
          actor: byUserId === null ? null : tx.getReference(User, byUserId),
          note: 'the missed call was marked called back',
        });
        written.push(this.message(plan.id, closed('done')));
      }
      await tx.flush();
      await this.outbox.append(tx, written);
      return written;
    });
    await this.relay.dispatch(messages);
  }

  private async insert(fields: PlanFields): Promise<PlannedContact> {
    const { plan, message } = await this.em.fork().transactional(async (tx) => {
      const due = dueAt(fields.startsAt, fields.durationMinutes);
      const created = tx.create(PlannedContact, {
        assignee: tx.getReference(User, fields.assigneeId),
        createdBy: fields.createdById === null ? null : tx.getReference(User, fields.createdById),
        kind: fields.kind,
        subject: fields.subject,
        note: fields.note,
        startsAt: fields.startsAt,
        durationMinutes: fields.durationMinutes,
        dueAt: due,
        firstDueAt: due,
        origin: fields.origin,
        client: fields.client,
        contact: fields.contact,
        followsCall: fields.followsCall,
        followsRequest: fields.followsRequest,
        followsRequestStage: fields.followsRequestStage ?? null,
        followsPlanned: fields.followsPlanned,
      });
      tx.create(PlannedContactHistory, {
        plannedContact: created,
        action: 'created',
        at: created.createdAt,
        actor: fields.createdById === null ? null : tx.getReference(User, fields.createdById),
        toStartsAt: created.startsAt,
      });
      await tx.flush();
      const changed = this.message(created.id, {
        change: 'created',
        previousStartsAt: null,
        previousDueAt: null,
        previousAssigneeId: null,
      });
      await this.outbox.append(tx, [changed]);
      return { plan: created, message: changed };
    });
    await this.relay.dispatch([message]);
    return this.reload(plan.id);
  }

  /**
   * One move of an open plan under its row lock: `apply` changes it and says what changed; the
   * history row, the plan and the outbox row commit together.
   */
  private async change(
    who: Principal,
    id: string,
    move: 'update' | 'done' | 'postpone' | 'fail' | 'cancel',
    apply: (
      tx: EntityManager,
      plan: PlannedContact,
    ) => Promise<Omit<PlannerChanged, 'plannedContactId'>>,
  ): Promise<PlannedContact> {
    const message = await this.em.fork().transactional(async (tx) => {
      const plan = await tx.findOne(PlannedContact, id, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
      });
      if (!plan || !this.maySee(who, plan)) {
        throw new AppError('PLANNED_CONTACT_NOT_FOUND', `Planned contact ${id} does not exist`);
      }
      if (!isOpen(plan.status)) {
        throw new AppError(
          'PLANNED_CONTACT_CLOSED',
          `Planned contact ${id} is ${plan.status}; it cannot ${move === 'update' ? 'change' : move} any more`,
        );
      }
      const changed = await apply(tx, plan);
      plan.updatedAt = new Date();
      await tx.flush();
      const written = this.message(id, changed);
      await this.outbox.append(tx, [written]);
      return written;
    });
    await this.relay.dispatch([message]);
    return this.reload(id);
  }

  private message(
    plannedContactId: string,
    changed: Omit<PlannerChanged, 'plannedContactId'>,
  ): OutboxMessage<'planner.changed'> {
    return outboxMessage('planner.changed', { plannedContactId, ...changed });
  }

  private record(
    tx: EntityManager,
    plan: PlannedContact,
    who: Principal,
    action: PlanAction,
    details: {
      from?: Date;
      to?: Date;
      reason?: PlannerReason | null;
      reasonText?: string;
      note?: string;
    },
  ): void {
    tx.create(PlannedContactHistory, {
      plannedContact: plan,
      action,
      at: new Date(),
      actor: actorId(who) === null ? null : tx.getReference(User, who.id),
      fromStartsAt: details.from ?? null,
      toStartsAt: details.to ?? null,
      reason: details.reason ?? null,
      reasonText: details.reasonText ?? null,
      note: details.note ?? null,
    });
  }

  private async reason(input: ReasonDto): Promise<PlannerReason | null> {
    if (input.reasonId === undefined) return null;
    const reason = await this.em.findOne(PlannerReason, input.reasonId);
    if (!reason || !reason.active) {
      throw new AppError('VALIDATION_FAILED', `Reason ${input.reasonId} does not exist`, {
        field: 'reasonId',
      });
    }
    return reason;
  }

  /** The client and contact person; the contact must be the client's (and implies it). */
  private async parties(
    clientId: string | undefined,
    contactId: string | undefined,
  ): Promise<{ client: Client | null; contact: ContactPerson | null }> {
    const contact =
      contactId === undefined
        ? null
        : await this.em.findOne(ContactPerson, contactId, { populate: ['client'] });
    if (contactId !== undefined && !contact) refuse('contactId');
    const client =
      clientId === undefined ? (contact?.client ?? null) : await this.em.findOne(Client, clientId);
    if (clientId !== undefined && !client) refuse('clientId');
    if (contact && client && contact.client.id !== client.id) {
      throw new AppError('VALIDATION_FAILED', 'The contact person belongs to another client', {
        field: 'contactId',
      });
    }
    return { client, contact };
  }

  private async mustFind<T extends Call | Request>(
    entity: new () => T,
    id: string,
    field: string,
  ): Promise<T> {
    const found = await this.em.findOne(entity as never, id, { populate: ['client'] as never[] });
    if (!found) refuse(field);
    return found as T;
  }

  private requireMayPlanFor(who: Principal, assigneeId: string): void {
    if (assigneeId !== who.id && !hasAnyRole(who, PLANNER_CONSOLE_ROLES)) {
      throw new AppError('FORBIDDEN', 'Agents plan only for themselves', { field: 'assigneeId' });
    }
  }

  private async requireActiveUser(id: string, field: string): Promise<void> {
    const user = await this.em.findOne(User, id);
    if (!user || !user.active) {
      throw new AppError('VALIDATION_FAILED', `User ${id} does not exist or is inactive`, {
        field,
      });
    }
  }

  private maySee(who: Principal, plan: PlannedContact): boolean {
    return hasAnyRole(who, PLANNER_CONSOLE_ROLES) || plan.assignee.id === who.id;
  }

  private async reload(id: string): Promise<PlannedContact> {
    const plan = await this.em.findOne(PlannedContact, id, { refresh: true });
    if (!plan) throw new AppError('PLANNED_CONTACT_NOT_FOUND', `Planned contact ${id} is gone`);
    return plan;
  }
}

export function toDto(plan: PlannedContact): PlannedContactDto {
  return PlannedContactDto.from(plan);
}

function durationFor(kind: PlannedKind, requested: number | null | undefined): number | null {
  if (!hasDuration(kind)) return null;
  return requested ?? DEFAULT_DURATION[kind];
}

function closed(change: Extract<PlannerChange, 'done' | 'failed' | 'cancelled'>) {
  return { change, previousStartsAt: null, previousDueAt: null, previousAssigneeId: null };
}

function actorId(who: Principal): string | null {
  return who.kind === 'user' ? who.id : null;
}

function reasonRequired(move: string): AppError {
  return new AppError(
    'REASON_REQUIRED',
    `Give a reason to ${move}: reasonId from the list, reasonText, or both`,
    { field: 'reasonId' },
  );
}

function refuse(field: string): never {
  throw new AppError('VALIDATION_FAILED', `${field} does not name an existing record`, {
    field,
  });
}
