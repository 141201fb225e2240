import { useLocation } from 'react-router';
import { NotificationsPage } from '@web/pages/notifications/notifications-page';
import { NotificationSettingsPage } from '@web/pages/notifications/settings-page';

/** `/notifications` (the inbox) and `/notifications/settings`. */
export function NotificationsArea() {
  return useLocation().pathname.endsWith('/settings') ? (
    <NotificationSettingsPage />
  ) : (
    <NotificationsPage />
  );
}
