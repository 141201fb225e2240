import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import ical, { ICalAlarmType, ICalEventStatus } from 'ical-generator';
import { AppError } from '@/common/errors/app-error';
import { NotificationSettingsService } from '@/modules/notifications/notification-settings.service';
import type { CalendarTokenDto } from '@/modules/planner/dto/planned-contact.dto';
import type { PlannedContact } from '@/modules/planner/entities/planned-contact.entity';
import { PlannerRepository } from '@/modules/planner/planner.repository';

const FEED_PATH = '/api/me/calendar.ics';
const KIND_LABEL = { call: 'Call', meeting: 'Meeting', task: 'Task', email: 'E-mail' } as const;
/** Tasks and e-mails have a due time, not a duration; calendars show them as a short slot. */
const POINT_MINUTES = 15;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * A person's plans as an iCalendar feed for their own calendar app, behind a feed token of its
 * own (calendar apps cannot send a bearer token): created or rotated by the person, revocable,
 * stored only as a hash.
 */
@Injectable()
export class CalendarFeedService {
  constructor(
    private readonly repo: PlannerRepository,
    private readonly settings: NotificationSettingsService,
  ) {}

  /** A new token; any earlier one stops working at once. */
  async rotate(userId: string): Promise<CalendarTokenDto> {
    const token = randomBytes(32).toString('base64url');
    await this.repo.saveFeedToken(userId, hash(token));
    return {
      token,
      path: `${FEED_PATH}?token=${token}`,
      createdAt: new Date().toISOString(),
    };
  }

  async revoke(userId: string): Promise<void> {
    await this.repo.deleteFeedToken(userId);
  }

  async feed(token: string): Promise<string> {
    const userId = await this.repo.feedTokenOwner(hash(token));
    if (userId === null) {
      throw new AppError('INVALID_FEED_TOKEN', 'This calendar feed token is unknown or revoked');
    }
    const [plans, leadSeconds] = await Promise.all([
      this.repo.feedPlans(userId),
      this.settings.plannerLeadSeconds(userId),
    ]);
    return render(plans, leadSeconds);
  }
}

export function render(plans: readonly PlannedContact[], leadSeconds: number): string {
  const calendar = ical({
    name: 'Switchboard planner',
    prodId: { company: 'switchboard', product: 'planner', language: 'EN' },
    ttl: 300,
  });
  for (const plan of plans) {
    const end =
      plan.durationMinutes === null
        ? new Date(plan.startsAt.getTime() + POINT_MINUTES * 60_000)
        : plan.dueAt;
    const description = [
      plan.client ? `Client: ${plan.client.name}` : null,
      plan.contact ? `Contact: ${plan.contact.name}` : null,
      plan.note,
      plan.status === 'planned' || plan.status === 'postponed' ? null : `Status: ${plan.status}`,
    ]
      .filter((line): line is string => line !== null)
      .join('\n');
    const event = calendar.createEvent({
      id: `${plan.id}@switchboard`,
      start: plan.startsAt,
      end,
      summary: `${KIND_LABEL[plan.kind]}: ${plan.subject}`,
      description: description === '' ? null : description,
      sequence: plan.postponeCount,
      stamp: plan.updatedAt,
      lastModified: plan.updatedAt,
      created: plan.createdAt,
      status:
        plan.status === 'failed' || plan.status === 'cancelled'
          ? ICalEventStatus.CANCELLED
          : ICalEventStatus.CONFIRMED,
      categories: [{ name: plan.kind }],
    });
    if (plan.status === 'planned' || plan.status === 'postponed') {
      event.createAlarm({ type: ICalAlarmType.display, trigger: leadSeconds });
    }
  }
  return calendar.toString();
}
