import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import { NotificationSettingsService } from '@/modules/notifications/notification-settings.service';
import { NotificationsService } from '@/modules/notifications/notifications.service';
import { PlannedContactDto } from '@/modules/planner/dto/planned-contact.dto';
import { PlannedContact } from '@/modules/planner/entities/planned-contact.entity';
import type { PlannerChange, PlannerChanged } from '@/modules/planner/planner.events';
import {
  isOpen,
  jobStillApplies,
  plannerJobIds,
  readableTime,
  reminderAt,
} from '@/modules/planner/planner-rules';
import { UsersService } from '@/modules/staff/users.service';
import { JobPayloads } from '@/queue/job-catalogue';
import { JobProducer } from '@/queue/job-producer.service';
import { rooms } from '@/realtime/realtime.events';
import { RealtimePublisher } from '@/realtime/realtime.publisher';

const KIND_LABEL = { call: 'Call', meeting: 'Meeting', task: 'Task', email: 'E-mail' } as const;

/**
 * What follows a committed change of a planned contact, and the delayed jobs it keeps: the
 * `planner.changed` delta, the reminder before the start and the overdue checks at the due time
 * (assignee) and after the grace (supervisors). Job ids carry the plan's time, so a moved plan
 * gets jobs of its own; its old ones are removed, and one that fires anyway finds the plan at
 * another time and does nothing.
 */
@Injectable()
export class PlannerSchedule {
  constructor(
    private readonly em: EntityManager,
    private readonly jobs: JobProducer,
    private readonly realtime: RealtimePublisher,
    private readonly notifications: NotificationsService,
    private readonly settings: NotificationSettingsService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  /** The outbox handler of `planner.changed`; every step is idempotent. */
  async deliver(changed: PlannerChanged): Promise<void> {
    const em = this.em.fork();
    const plan = await em.findOne(PlannedContact, changed.plannedContactId);
    if (!plan) return;
    this.announce(plan, changed.change, changed.previousAssigneeId);
    if (changed.previousStartsAt !== null) {
      await this.unschedule(plan.id, new Date(changed.previousStartsAt), null);
    }
    if (changed.previousDueAt !== null) {
      await this.unschedule(plan.id, null, new Date(changed.previousDueAt));
    }
    if (!isOpen(plan.status)) {
      await this.unschedule(plan.id, plan.startsAt, plan.dueAt);
      return;
    }
    await this.scheduleFor(plan, em);
  }

  /** The reminder job: the assignee is told the plan starts soon, if it still does. */
  async remind(payload: JobPayloads['planner.reminder']): Promise<void> {
    const plan = await this.em
      .fork()
      .findOne(PlannedContact, payload.plannedContactId, { populate: ['client'] });
    if (!plan || !jobStillApplies(plan.status, plan.startsAt, payload.startsAt)) return;
    const at = readableTime(plan.startsAt, this.config.defaultTimeZone);
    await this.notifications.notify({
      sourceId: `planner.reminder:${plan.id}:${plan.startsAt.getTime()}`,
      kind: 'planner-reminder',
      userIds: [plan.assignee.id],
      title: `${KIND_LABEL[plan.kind]} at ${at}: ${plan.subject}`,
      body: this.describe(plan),
      data: data(plan),
    });
  }

  /** The overdue job: the assignee at the due time, the supervisors after the grace. */
  async overdue(payload: JobPayloads['planner.overdue']): Promise<void> {
    const plan = await this.em
      .fork()
      .findOne(PlannedContact, payload.plannedContactId, { populate: ['client'] });
    if (!plan || !jobStillApplies(plan.status, plan.dueAt, payload.dueAt)) return;
    if (plan.dueAt.getTime() > Date.now()) return;
    const due = plan.dueAt.getTime();
    if (payload.to === 'assignee') {
      await this.notifications.notify({
        sourceId: `planner.overdue:${plan.id}:${due}`,
        kind: 'planner-overdue',
        userIds: [plan.assignee.id],
        title: `Overdue: ${plan.subject}`,
        body: `${this.describe(plan)}; it was due at ${this.time(plan.dueAt)}`,
        data: data(plan),
      });
      this.announce(plan, 'overdue', null);
      return;
    }
    const supervisors = (await this.users.activeIdsWithRole('supervisor')).filter(
      (id) => id !== plan.assignee.id,
    );
    if (supervisors.length === 0) return;
    await this.notifications.notify({
      sourceId: `planner.overdue-escalated:${plan.id}:${due}`,
      kind: 'planner-overdue',
      userIds: supervisors,
      title: `Still overdue: ${plan.subject}`,
      body: `${this.describe(plan)}; due at ${this.time(plan.dueAt)} and not done`,
      data: { ...data(plan), assigneeId: plan.assignee.id },
    });
  }

  private async scheduleFor(plan: PlannedContact, em: EntityManager): Promise<void> {
    const now = Date.now();
    const lead = await this.settings.plannerLeadSeconds(plan.assignee.id, em);
    const reminderJobId = plannerJobIds.reminder(plan.id, plan.startsAt);
    // A change may have handed the plan to someone with another lead: the job is laid again.
    await this.jobs.remove('planner.reminder', reminderJobId);
    const grace = this.config.planner.overdueGraceSeconds * 1000;
    await Promise.all([
      // A plan that has already started needs no reminder: whoever made it is looking at it.
      plan.startsAt.getTime() > now
        ? this.jobs.enqueue(
            'planner.reminder',
            { plannedContactId: plan.id, startsAt: plan.startsAt.toISOString() },
            {
              jobId: reminderJobId,
              delay: Math.max(0, reminderAt(plan.startsAt, lead).getTime() - now),
            },
          )
        : null,
      this.jobs.enqueue(
        'planner.overdue',
        { plannedContactId: plan.id, dueAt: plan.dueAt.toISOString(), to: 'assignee' },
        {
          jobId: plannerJobIds.overdue(plan.id, plan.dueAt, 'assignee'),
          delay: Math.max(0, plan.dueAt.getTime() - now),
        },
      ),
      this.jobs.enqueue(
        'planner.overdue',
        { plannedContactId: plan.id, dueAt: plan.dueAt.toISOString(), to: 'supervisors' },
        {
          jobId: plannerJobIds.overdue(plan.id, plan.dueAt, 'supervisors'),
          delay: Math.max(0, plan.dueAt.getTime() + grace - now),
        },
      ),
    ]);
  }

  private async unschedule(planId: string, startsAt: Date | null, due: Date | null) {
    await Promise.all([
      startsAt === null
        ? null
        : this.jobs.remove('planner.reminder', plannerJobIds.reminder(planId, startsAt)),
      due === null
        ? null
        : this.jobs.remove('planner.overdue', plannerJobIds.overdue(planId, due, 'assignee')),
      due === null
        ? null
        : this.jobs.remove('planner.overdue', plannerJobIds.overdue(planId, due, 'supervisors')),
    ]);
  }

  private announce(
    plan: PlannedContact,
    change: PlannerChange,
    previousAssigneeId: string | null,
  ): void {
    const targets = [rooms.user(plan.assignee.id), rooms.role('supervisor')];
    const previous =
      previousAssigneeId !== null && previousAssigneeId !== plan.assignee.id
        ? previousAssigneeId
        : null;
    if (previous !== null) targets.push(rooms.user(previous));
    this.realtime.toRooms(targets, 'planner.changed', {
      change,
      plannedContact: PlannedContactDto.from(plan),
      previousAssigneeId: previous,
    });
  }

  /** One line saying what the plan is, with whom and when, in the office's zone. */
  private describe(plan: PlannedContact): string {
    const parts = [`${KIND_LABEL[plan.kind]} "${plan.subject}"`];
    if (plan.client) parts.push(`with ${plan.client.name}`);
    parts.push(`planned for ${this.time(plan.startsAt)}`);
    return parts.join(' ');
  }

  private time(at: Date): string {
    return readableTime(at, this.config.defaultTimeZone);
  }
}

function data(plan: PlannedContact): Record<string, unknown> {
  return {
    plannedContactId: plan.id,
    kind: plan.kind,
    startsAt: plan.startsAt.toISOString(),
    dueAt: plan.dueAt.toISOString(),
    clientId: plan.client?.id ?? null,
  };
}
