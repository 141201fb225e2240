import { FilterQuery, LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { hasAnyRole, Principal, Role } from '@/common/auth/roles';
import { AppError } from '@/common/errors/app-error';
import { AppConfig } from '@/config/app-config';
import { Call } from '@/modules/calls/entities/call.entity';
import { Client } from '@/modules/directory/entities/client.entity';
import { Queue } from '@/modules/directory/entities/queue.entity';
import { sameTextPattern } from '@/modules/directory/like-pattern';
import { NotificationsService } from '@/modules/notifications/notifications.service';
import {
  AdvanceRequestDto,
  CreateRequestDto,
  isOverdue,
  ListRequestsQueryDto,
  PutStageTemplateDto,
  UpdateStageDto,
} from '@/modules/requests/dto/request.dto';
import {
  DEFAULT_STAGE_TEMPLATE,
  RequestStageTemplate,
  StageTemplateItem,
} from '@/modules/requests/entities/request-stage-template.entity';
import { RequestStage } from '@/modules/requests/entities/request-stage.entity';
import { Request } from '@/modules/requests/entities/request.entity';
import {
  RequestChange,
  RequestChanged,
  RequestsEventBus,
  RequestSummary,
} from '@/modules/requests/requests.events';
import { User } from '@/modules/staff/entities/user.entity';
import { UsersService } from '@/modules/staff/users.service';
import { OutboxMessage, outboxMessage } from '@/outbox/outbox.catalogue';
import { OutboxRepository } from '@/outbox/outbox.repository';
import { OutboxRelay } from '@/outbox/outbox.relay';
import { JobProducer } from '@/queue/job-producer.service';
import { RealtimePublisher } from '@/realtime/realtime.publisher';
import { rooms } from '@/realtime/realtime.events';

const CONSOLE_ROLES: readonly Role[] = ['admin', 'supervisor', 'receptionist'];
const MINUTE = 60_000;

export interface RequestWithStages {
  request: Request;
  stages: RequestStage[];
}

/** A request taken through routing's offer, to announce once routing's transaction commits. */
export type RequestTaken = OutboxMessage<'request.changed'>;

/**
 * Every change of a request writes a `request.changed` outbox row in its transaction; after the
 * commit the row is dispatched (the console delta, routing's reaction, the overdue job, the
 * assignee's notification) and the relay's sweep delivers it again if that did not finish.
 */
@Injectable()
export class RequestsService implements OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly jobs: JobProducer,
    private readonly realtime: RealtimePublisher,
    private readonly notifications: NotificationsService,
    private readonly bus: RequestsEventBus,
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit(): void {
    this.relay.handle('request.changed', (change) => this.deliverChange(change));
  }

  /** Registers the request at its first stage; every template stage gets a row up front. */
  async create(principal: Principal, input: CreateRequestDto): Promise<RequestWithStages> {
    const [queue, client, call, assignee] = await Promise.all([
      input.queue === undefined
        ? null
        : this.em.findOne(Queue, { code: { $ilike: sameTextPattern(input.queue) } }),
      input.clientId === undefined ? null : this.em.findOne(Client, { id: input.clientId }),
      input.callId === undefined ? null : this.em.findOne(Call, { id: input.callId }),
      input.assigneeId === undefined ? null : this.em.findOne(User, { id: input.assigneeId }),
    ]);
    // Picked from lists by a person: an unknown one is a mistake to refuse with the field named.
    if (input.queue !== undefined && !queue) refuse('queue', `Queue '${input.queue}'`);
    if (input.clientId !== undefined && !client) refuse('clientId', `Client ${input.clientId}`);
    if (input.callId !== undefined && !call) refuse('callId', `Call ${input.callId}`);
    if (input.assigneeId !== undefined && (!assignee || !assignee.active))
      refuse('assigneeId', `User ${input.assigneeId}`);

    const template = await this.templateFor(queue);
    const now = new Date();
    const { request, message } = await this.em.transactional(async (tx) => {
      if (assignee) await this.takeCapacity(tx, assignee.id, null);
      const [{ n }] = await tx.execute<{ n: string }[]>(
        `select nextval('requests_number_seq') as n`,
      );
      const created = tx.create(Request, {
        number: Number(n),
        channel: input.channel,
        client,
        subject: input.subject,
        body: input.body ?? null,
        priority: input.priority ?? 0,
        queue,
        call,
        currentStage: template[0].stage,
        currentAssignee: assignee,
        createdBy: principal.kind === 'user' ? tx.getReference(User, principal.id) : null,
        createdAt: now,
        updatedAt: now,
      });
      // Planned due times run back to back from now; a stage started later is re-dued from its
      // actual start (see advance), so a late stage does not make every later one overdue.
      let due = now.getTime();
      template.forEach((item, position) => {
        due += (item.durationMinutes ?? 0) * MINUTE;
        const last = position === template.length - 1;
        tx.create(RequestStage, {
          request: created,
          stage: item.stage,
          position,
          durationMinutes: item.durationMinutes,
          assignee: position === 0 ? assignee : null,
          dueAt: last ? null : new Date(due),
          startedAt: position === 0 ? now : null,
        });
      });
      created.currentDueAt = new Date(now.getTime() + (template[0].durationMinutes ?? 0) * MINUTE);
      const changed = await this.changed(tx, created.id, 'created', null, null);
      return { request: created, message: changed };
    });
    await this.relay.dispatch([message]);
    return this.load(request.id);
  }

  async list(principal: Principal, query: ListRequestsQueryDto): Promise<[Request[], number]> {
    const where: FilterQuery<Request> = {};
    if (query.status !== undefined) where.status = query.status;
    if (query.queue !== undefined) where.queue = { code: { $ilike: sameTextPattern(query.queue) } };
    if (query.clientId !== undefined) where.client = query.clientId;
    if (query.assigneeId !== undefined) where.currentAssignee = query.assigneeId;
    // Agents work their own requests; the list is narrowed rather than refused.
    if (!hasAnyRole(principal, CONSOLE_ROLES)) where.currentAssignee = principal.id;
    if (query.overdue === true) {
      where.status = 'open';
      where.currentDueAt = { $lte: new Date() };
    }
    return this.em.findAndCount(Request, where, {
      populate: ['queue'],
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: query.limit,
      offset: query.offset,
    });
  }

  /** Agents may read a request if any of its stages is or was theirs. */
  async getFor(principal: Principal, id: string): Promise<RequestWithStages> {
    const found = await this.load(id);
    if (!this.mayRead(principal, found)) {
      throw new AppError('FORBIDDEN', 'Agents may only read the requests assigned to them');
    }
    return found;
  }

  /** Finishes the current stage and starts the next; reaching the last stage closes the request. */
  async advance(
    principal: Principal,
    id: string,
    input: AdvanceRequestDto,
  ): Promise<RequestWithStages> {
    const nextAssignee =
      input.assigneeId === undefined ? undefined : await this.activeUser(input.assigneeId);
    const before = await this.load(id);
    if (
      !hasAnyRole(principal, CONSOLE_ROLES) &&
      before.request.currentAssignee?.id !== principal.id
    ) {
      throw new AppError('FORBIDDEN', 'Agents may only advance the requests assigned to them');
    }
    const message = await this.em.transactional(async (tx) => {
      // The row lock makes two simultaneous advances take turns instead of skipping a stage.
      const request = await tx.findOneOrFail(Request, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (request.status !== 'open') {
        throw new AppError('CONFLICT', `Request ${id} is ${request.status}; it cannot advance`);
      }
      const stages = await tx.find(RequestStage, { request: id }, { orderBy: { position: 'asc' } });
      const current = stages.find((s) => s.doneAt === null);
      const next = current ? stages.find((s) => s.position === current.position + 1) : undefined;
      if (!current || !next) throw new Error(`request ${id} has no stage to advance from`);
      const now = new Date();
      current.doneAt = now;
      if (input.note !== undefined) current.note = input.note;
      next.startedAt = now;
      next.assignee = nextAssignee ?? current.assignee;
      const last = next.position === stages.length - 1;
      if (!last && next.assignee && next.assignee.id !== request.currentAssignee?.id) {
        await this.takeCapacity(tx, next.assignee.id, id);
      }
      request.currentStage = next.stage;
      request.currentAssignee = next.assignee;
      if (last) {
        next.doneAt = now;
        next.dueAt = null;
        request.status = 'done';
      } else {
        next.dueAt =
          input.dueAt !== undefined
            ? new Date(input.dueAt)
            : new Date(now.getTime() + (next.durationMinutes ?? 0) * MINUTE);
      }
      request.currentDueAt = next.dueAt;
      const previous = before.request.currentAssignee?.id ?? null;
      return this.changed(tx, id, 'advanced', previous, last ? null : next.id);
    });
    await this.relay.dispatch([message]);
    return this.load(id);
  }

  /** Reassigns and/or re-dues the current stage (console roles). */
  async updateStage(id: string, input: UpdateStageDto): Promise<RequestWithStages> {
    const assignee =
      input.assigneeId === undefined ? undefined : await this.activeUser(input.assigneeId);
    const message = await this.em.transactional(async (tx) => {
      const request = await tx.findOne(Request, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!request) throw new AppError('NOT_FOUND', `Request ${id} does not exist`);
      if (request.status !== 'open') {
        throw new AppError(
          'CONFLICT',
          `Request ${id} is ${request.status}; it has no current stage`,
        );
      }
      const current = await tx.findOneOrFail(
        RequestStage,
        { request: id, doneAt: null },
        { orderBy: { position: 'asc' } },
      );
      const previous = current.assignee?.id ?? null;
      if (assignee && assignee.id !== previous) await this.takeCapacity(tx, assignee.id, id);
      if (assignee !== undefined) current.assignee = assignee;
      if (input.dueAt !== undefined) current.dueAt = new Date(input.dueAt);
      request.currentAssignee = current.assignee;
      request.currentDueAt = current.dueAt;
      request.updatedAt = new Date();
      return this.changed(
        tx,
        id,
        'reassigned',
        previous,
        input.dueAt !== undefined ? current.id : null,
      );
    });
    await this.relay.dispatch([message]);
    return this.load(id);
  }

  async putTemplate(queueId: string, input: PutStageTemplateDto): Promise<StageTemplateItem[]> {
    const queue = await this.em.findOne(Queue, { id: queueId });
    if (!queue) throw AppError.notFound('Queue', queueId);
    const names = input.stages.map((s) => s.stage);
    if (new Set(names).size !== names.length) {
      throw new AppError('VALIDATION_FAILED', 'stage names must be unique', { field: 'stages' });
    }
    const stages = input.stages.map((s, i): StageTemplateItem => {
      const last = i === input.stages.length - 1;
      if (!last && s.durationMinutes === undefined) {
        throw new AppError('VALIDATION_FAILED', `stage '${s.stage}' needs durationMinutes`, {
          field: `stages.${i}.durationMinutes`,
        });
      }
      return { stage: s.stage, durationMinutes: last ? null : (s.durationMinutes ?? null) };
    });
    await this.em.upsert(RequestStageTemplate, { queue, stages, updatedAt: new Date() });
    return stages;
  }

  /**
   * The delayed overdue job. Safe to retry and to run late: it re-reads the stage and does
   * nothing if it is done or has been re-dued to a later time; the alert is idempotent per
   * (stage, due time).
   */
  async stageOverdue(stageId: string): Promise<void> {
    const em = this.em.fork();
    const stage = await em.findOne(RequestStage, stageId, { populate: ['request'] });
    const now = new Date();
    if (!stage || stage.doneAt !== null || stage.dueAt === null) return;
    if (stage.dueAt.getTime() > now.getTime()) return;
    if (stage.request.status !== 'open') return;
    const dueAt = stage.dueAt.toISOString();
    const assigneeId = stage.assignee?.id ?? null;

    await this.bus.publish({
      type: 'request.stage-overdue',
      requestId: stage.request.id,
      stageId,
      stage: stage.stage,
      assigneeId,
      dueAt,
    });
    const userIds = assigneeId ? [assigneeId] : await this.users.activeIdsWithRole('supervisor');
    if (userIds.length > 0) {
      await this.notifications.notify({
        sourceId: `request.stage-overdue:${stageId}:${dueAt}`,
        kind: 'stage-overdue',
        userIds,
        title: `Request #${stage.request.number} is overdue`,
        body: `Stage '${stage.stage}' of "${stage.request.subject}" was due at ${dueAt}`,
        data: { requestId: stage.request.id, stageId, stage: stage.stage, dueAt },
      });
    }
    const found = await this.load(stage.request.id, em);
    this.emitChanged(found.request, 'overdue');
  }

  /**
   * Inside routing's transaction, when a person accepts the offer of a request: they take its
   * current stage, within their capacity. Null when the request is no longer open and unheld
   * (someone assigned it by hand meanwhile); STAFF_AT_CAPACITY when they are full.
   */
  async takeOffered(
    tx: EntityManager,
    requestId: string,
    userId: string,
  ): Promise<RequestTaken | null> {
    const request = await tx.findOne(Request, requestId, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!request || request.status !== 'open' || request.currentAssignee !== null) return null;
    await this.takeCapacity(tx, userId, requestId);
    const current = await tx.findOneOrFail(
      RequestStage,
      { request: requestId, doneAt: null },
      { orderBy: { position: 'asc' } },
    );
    current.assignee = tx.getReference(User, userId);
    request.currentAssignee = current.assignee;
    request.updatedAt = new Date();
    await tx.flush();
    return this.changed(tx, requestId, 'assigned', null, null);
  }

  /** After routing's transaction committed an accepted offer: consoles and the person are told. */
  async announceTaken(taken: RequestTaken): Promise<void> {
    await this.relay.dispatch([taken]);
  }

  /** The change's outbox row, in the change's transaction. */
  private async changed(
    tx: EntityManager,
    requestId: string,
    change: RequestChanged['change'],
    previousAssigneeId: string | null,
    dueStageId: string | null,
  ): Promise<RequestTaken> {
    const message = outboxMessage('request.changed', {
      requestId,
      change,
      previousAssigneeId,
      dueStageId,
    });
    await this.outbox.append(tx, [message]);
    return message;
  }

  /** The outbox handler: reads the request as it is now; a request since deleted is skipped. */
  private async deliverChange(changed: RequestChanged): Promise<void> {
    const found = await this.load(changed.requestId, this.em.fork()).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
      throw err;
    });
    if (!found) return;
    const dueStage =
      changed.dueStageId === null
        ? null
        : (found.stages.find((s) => s.id === changed.dueStageId) ?? null);
    await this.afterChange(found, changed.change, dueStage, changed.previousAssigneeId);
  }

  /**
   * After commit: the socket delta, the assignment event routing reacts to and, if a stage
   * started or was re-dued, its overdue job. Throws if any of them failed, so the outbox row
   * is delivered again (each is idempotent: the delta is the request's current state, the job
   * and the notification have ids of their own).
   */
  private async afterChange(
    found: RequestWithStages,
    change: Exclude<RequestChange, 'overdue'>,
    dueStage: RequestStage | null,
    previousAssigneeId: string | null = null,
  ): Promise<void> {
    const { request } = found;
    const assigneeId = request.currentAssignee?.id ?? null;
    this.emitChanged(request, change, previousAssigneeId);
    const stage = dueStage ?? (change === 'created' ? found.stages[0] : null);
    const [routed] = await Promise.all([
      this.bus.publish({
        type: 'request.assignment',
        requestId: request.id,
        change,
        status: request.status,
        queueId: request.queue?.id ?? null,
        assigneeId,
        freedUserId:
          request.status !== 'open'
            ? assigneeId
            : previousAssigneeId !== assigneeId
              ? previousAssigneeId
              : null,
      }),
      stage?.dueAt ? this.scheduleOverdue(stage.id, stage.dueAt) : null,
      this.notifyAssignee(found, change, previousAssigneeId),
    ]);
    if (!routed) throw new Error(`routing's reaction to request ${request.id} failed`);
  }

  /** Whoever the request's current stage newly lands on is told (kind `assignment`). */
  private async notifyAssignee(
    found: RequestWithStages,
    change: RequestChange,
    previousAssigneeId: string | null,
  ): Promise<void> {
    const assigneeId = found.request.currentAssignee?.id ?? null;
    const current = found.stages.find((s) => s.doneAt === null && s.startedAt !== null);
    if (assigneeId === null || current === undefined) return;
    const before =
      change === 'advanced'
        ? (found.stages[found.stages.indexOf(current) - 1]?.assignee?.id ?? null)
        : previousAssigneeId;
    if (assigneeId === before) return;
    // The key is the stage and the person it landed on: a repeat of this change, or a later
    // change that lands it on them again, notifies them once.
    await this.notifications.notify({
      sourceId: `request.assigned:${current.id}:${assigneeId}`,
      kind: 'assignment',
      userIds: [assigneeId],
      title: `Request #${found.request.number} is yours`,
      body: `Stage '${current.stage}' of "${found.request.subject}"${current.dueAt ? `, due ${current.dueAt.toISOString()}` : ''}`,
      data: { requestId: found.request.id, stageId: current.id, stage: current.stage },
    });
  }

  private async scheduleOverdue(stageId: string, dueAt: Date): Promise<void> {
    // One job per (stage, due time): re-dueing schedules a new one; the old one finds the
    // stage re-dued and returns.
    await this.jobs.enqueue(
      'requests.stage-overdue',
      { stageId },
      {
        delay: Math.max(0, dueAt.getTime() - Date.now()),
        jobId: `stage-overdue-${stageId}-${dueAt.getTime()}`,
      },
    );
  }

  private emitChanged(
    request: Request,
    change: RequestChange,
    previousAssigneeId: string | null = null,
  ): void {
    const summary = toSummary(request, change);
    const targets = [rooms.role('receptionist'), rooms.role('supervisor')];
    if (summary.assigneeId) targets.push(rooms.user(summary.assigneeId));
    // A person a request was taken from should see it leave their list.
    if (previousAssigneeId && previousAssigneeId !== summary.assigneeId)
      targets.push(rooms.user(previousAssigneeId));
    this.realtime.toRooms(targets, 'request.changed', summary);
  }

  private mayRead(principal: Principal, found: RequestWithStages): boolean {
    return (
      hasAnyRole(principal, CONSOLE_ROLES) ||
      found.request.currentAssignee?.id === principal.id ||
      found.stages.some((s) => s.assignee?.id === principal.id)
    );
  }

  /**
   * A person holds at most MAX_OPEN_REQUESTS open requests. The per-person advisory lock makes
   * two simultaneous assignments to one person take turns, so neither can slip past the count.
   */
  private async takeCapacity(
    tx: EntityManager,
    userId: string,
    exceptRequestId: string | null,
  ): Promise<void> {
    await tx.execute(`select pg_advisory_xact_lock(hashtext('request-capacity:' || ?))`, [userId]);
    const [{ open }] = await tx.execute<{ open: string }[]>(
      `select count(*) as open from requests
        where current_assignee_id = ? and status = 'open' and id is distinct from ?`,
      [userId, exceptRequestId],
    );
    const max = this.config.routing.maxOpenRequests;
    if (Number(open) >= max) {
      throw new AppError(
        'STAFF_AT_CAPACITY',
        `This person already has ${open} open requests (the limit is ${max}); assign someone else or finish one first`,
        { field: 'assigneeId' },
      );
    }
  }

  private async activeUser(id: string): Promise<User> {
    const user = await this.em.findOne(User, { id });
    if (!user || !user.active) refuse('assigneeId', `User ${id}`);
    return user;
  }

  private async templateFor(queue: Queue | null): Promise<readonly StageTemplateItem[]> {
    if (!queue) return DEFAULT_STAGE_TEMPLATE;
    const template = await this.em.findOne(RequestStageTemplate, { queue });
    return template?.stages.length ? template.stages : DEFAULT_STAGE_TEMPLATE;
  }

  private async load(id: string, em: EntityManager = this.em): Promise<RequestWithStages> {
    const request = await em.findOne(Request, id, { populate: ['queue'], refresh: true });
    if (!request) throw AppError.notFound('Request', id);
    const stages = await em.find(
      RequestStage,
      { request: id },
      { orderBy: { position: 'asc' }, refresh: true },
    );
    return { request, stages };
  }
}

function refuse(field: string, what: string): never {
  throw new AppError('VALIDATION_FAILED', `${what} does not exist`, { field });
}

export function toSummary(request: Request, change: RequestChange): RequestSummary {
  return {
    requestId: request.id,
    number: request.number,
    change,
    status: request.status,
    channel: request.channel,
    subject: request.subject,
    priority: request.priority,
    clientId: request.client?.id ?? null,
    queueCode: request.queue?.code ?? null,
    callId: request.call?.id ?? null,
    currentStage: request.currentStage,
    assigneeId: request.currentAssignee?.id ?? null,
    dueAt: request.currentDueAt?.toISOString() ?? null,
    overdue: isOverdue(request),
    updatedAt: request.updatedAt.toISOString(),
  };
}
