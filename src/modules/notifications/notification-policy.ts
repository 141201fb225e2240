import { NotificationKind, UNMUTABLE_KINDS } from '@/modules/notifications/notifications.events';
import type { KindSettings } from '@/modules/notifications/entities/notification-setting.entity';

export type DeliveryMode = 'deliver' | 'silent' | 'skip';

export interface RecipientSettings {
  kinds: KindSettings;
  doNotDisturbUntil: Date | null;
}

/**
 * What a person's settings make of one notification: dropped when the kind is switched off,
 * kept but silent during do-not-disturb. Offers and critical notifications go through whatever
 * the settings say, because missing them costs a caller or a safety message.
 */
export function deliveryMode(
  settings: RecipientSettings | undefined,
  kind: NotificationKind,
  critical: boolean,
  now: Date,
): DeliveryMode {
  if (critical || UNMUTABLE_KINDS.includes(kind) || !settings) return 'deliver';
  if (settings.kinds[kind]?.inApp === false) return 'skip';
  if (settings.doNotDisturbUntil && settings.doNotDisturbUntil > now) return 'silent';
  return 'deliver';
}
