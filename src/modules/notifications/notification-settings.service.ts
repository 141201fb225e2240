import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import { AppConfig } from '@/config/app-config';
import type { KindSettings } from '@/modules/notifications/entities/notification-setting.entity';
import {
  NotificationSettingsDto,
  UpdateNotificationSettingsDto,
} from '@/modules/notifications/dto/notification-settings.dto';
import type { RecipientSettings } from '@/modules/notifications/notification-policy';
import {
  NOTIFICATION_KINDS,
  NotificationKind,
  UNMUTABLE_KINDS,
} from '@/modules/notifications/notifications.events';
import { sqlArray } from '@/modules/notifications/delivery/sql-array';

interface SettingsRow {
  user_id: string;
  kinds: KindSettings;
  do_not_disturb_until: string | null;
  planner_lead_minutes: number | null;
}

const toDate = (value: string | null): Date | null => (value === null ? null : new Date(value));

@Injectable()
export class NotificationSettingsService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
  ) {}

  async get(userId: string): Promise<NotificationSettingsDto> {
    const [settings, lead] = await Promise.all([
      this.loadMany([userId]),
      this.plannerLeadMinutes(userId),
    ]);
    return this.view(settings.get(userId), lead);
  }

  /** The person's own reminder lead for planned contacts, or null for the default. */
  async plannerLeadMinutes(userId: string, em = this.em): Promise<number | null> {
    const rows = await em.execute<{ planner_lead_minutes: number | null }[]>(
      'select planner_lead_minutes from notification_settings where user_id = ?',
      [userId],
    );
    return rows[0]?.planner_lead_minutes ?? null;
  }

  /** How long before a planned contact starts its assignee is reminded, in seconds. */
  async plannerLeadSeconds(userId: string, em = this.em): Promise<number> {
    const own = await this.plannerLeadMinutes(userId, em);
    return own === null ? this.config.planner.reminderLeadSeconds : own * 60;
  }

  async update(
    userId: string,
    input: UpdateNotificationSettingsDto,
  ): Promise<NotificationSettingsDto> {
    for (const kind of UNMUTABLE_KINDS) {
      if (input.kinds?.[kind]?.inApp === false) {
        throw new AppError('INVALID_ARGUMENT', `'${kind}' notifications cannot be switched off`, {
          field: `kinds.${kind}.inApp`,
        });
      }
    }
    const changes: KindSettings = {};
    for (const kind of NOTIFICATION_KINDS) {
      const setting = input.kinds?.[kind];
      if (setting) changes[kind] = { inApp: setting.inApp };
    }
    const dnd = input.doNotDisturbUntil;
    const lead = input.plannerLeadMinutes;
    // One statement: concurrent updates of different kinds merge instead of overwriting each other.
    const rows = await this.em.execute<SettingsRow[]>(
      `insert into notification_settings
         (user_id, kinds, do_not_disturb_until, planner_lead_minutes, updated_at)
         values (?, ?::jsonb, ?::timestamptz, ?::int, now())
       on conflict (user_id) do update set
         kinds = notification_settings.kinds || excluded.kinds,
         do_not_disturb_until = case when ? then excluded.do_not_disturb_until
                                     else notification_settings.do_not_disturb_until end,
         planner_lead_minutes = case when ? then excluded.planner_lead_minutes
                                     else notification_settings.planner_lead_minutes end,
         updated_at = now()
       returning user_id, kinds, do_not_disturb_until, planner_lead_minutes`,
      [
        userId,
        JSON.stringify(changes),
        dnd ?? null,
        lead ?? null,
        dnd !== undefined,
        lead !== undefined,
      ],
    );
    return this.view(
      { kinds: rows[0].kinds, doNotDisturbUntil: toDate(rows[0].do_not_disturb_until) },
      rows[0].planner_lead_minutes,
    );
  }

  /** Settings of many people at once (fan-out); people without a row are absent. */
  async loadMany(userIds: string[], em = this.em): Promise<Map<string, RecipientSettings>> {
    const rows = await em.execute<SettingsRow[]>(
      'select user_id, kinds, do_not_disturb_until from notification_settings where user_id = any(?::uuid[])',
      [sqlArray(userIds)],
    );
    return new Map(
      rows.map((r) => [
        r.user_id,
        { kinds: r.kinds, doNotDisturbUntil: toDate(r.do_not_disturb_until) },
      ]),
    );
  }

  private view(
    settings: RecipientSettings | undefined,
    plannerLeadMinutes: number | null,
  ): NotificationSettingsDto {
    const kinds = {} as Record<NotificationKind, { inApp: boolean }>;
    for (const kind of NOTIFICATION_KINDS) {
      kinds[kind] = { inApp: settings?.kinds[kind]?.inApp ?? true };
    }
    const until = settings?.doNotDisturbUntil;
    return {
      kinds,
      doNotDisturbUntil: until && until > new Date() ? until.toISOString() : null,
      plannerLeadMinutes,
      plannerLeadSeconds:
        plannerLeadMinutes === null
          ? this.config.planner.reminderLeadSeconds
          : plannerLeadMinutes * 60,
    };
  }
}
