import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useNotifications } from '@web/api/notifications';
import '@web/pages/notifications/notifications.css';

/** The header's bell: the unread count, a link to the inbox. */
export function NotificationBell() {
  const { t } = useTranslation();
  const { unread } = useNotifications();
  return (
    <Link
      to="/notifications"
      className="bell"
      aria-label={t('notifications.bellLabel', { count: unread })}
    >
      <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="currentColor">
        <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
      </svg>
      {unread > 0 ? (
        <span className="bell-count" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      ) : null}
    </Link>
  );
}
