import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { errorText } from '@web/api/errors';
import {
  needsAck,
  notificationsApi,
  notificationsStore,
  useNotifications,
  type InboxFilter,
} from '@web/api/notifications';
import type { AppNotification } from '@web/api/types';
import { formatDateTime } from '@web/components/time';
import { linkOf } from '@web/pages/notifications/alerts-overlay';
import '@web/pages/notifications/notifications.css';

const FILTERS: InboxFilter[] = ['unread', 'all', 'archived'];

/** The inbox: unread, all, archived; read, archive, read all; newest first, more on demand. */
export function NotificationsPage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<InboxFilter>('unread');
  const { unread, version } = useNotifications();
  const inbox = useInfiniteQuery({
    queryKey: ['notifications', filter, version],
    queryFn: ({ pageParam }) => notificationsApi.list(filter, pageParam ?? undefined),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 0,
  });
  const readAll = useMutation({ mutationFn: notificationsApi.readAll });
  const items = inbox.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section className="card inbox" aria-labelledby="inbox-title">
      <header className="card-head">
        <h2 id="inbox-title">{t('notifications.title')}</h2>
        <div className="actions">
          <button
            type="button"
            className="btn btn-small"
            disabled={unread === 0 || readAll.isPending}
            onClick={() => readAll.mutate()}
          >
            {t('notifications.readAll')}
          </button>
          <Link to="/notifications/settings" className="btn btn-small">
            {t('notifications.settings')}
          </Link>
        </div>
      </header>
      <div className="segmented inbox-tabs" role="tablist" aria-label={t('notifications.filter')}>
        {FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            role="tab"
            className="seg"
            aria-selected={filter === f}
            onClick={() => setFilter(f)}
          >
            {t(`notifications.filters.${f}`)}
            {f === 'unread' && unread > 0 ? ` (${unread})` : ''}
          </button>
        ))}
      </div>
      {readAll.error ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, readAll.error)}
        </p>
      ) : null}
      {inbox.error ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, inbox.error)}
        </p>
      ) : null}
      {inbox.isPending ? <p className="muted">{t('common.loading')}</p> : null}
      {!inbox.isPending && items.length === 0 ? (
        <p className="muted">{t(`notifications.empty.${filter}`)}</p>
      ) : null}
      <ul className="inbox-list" aria-label={t(`notifications.filters.${filter}`)}>
        {items.map((n) => (
          <InboxItem key={n.id} notification={n} />
        ))}
      </ul>
      {inbox.hasNextPage ? (
        <button
          type="button"
          className="btn"
          disabled={inbox.isFetchingNextPage}
          onClick={() => void inbox.fetchNextPage()}
        >
          {t('notifications.more')}
        </button>
      ) : null}
    </section>
  );
}

function InboxItem({ notification: n }: { notification: AppNotification }) {
  const { t, i18n } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const act = (action: () => Promise<unknown>) => {
    setError(null);
    action().catch(setError);
  };
  return (
    <li className={`inbox-item${n.readAt === null ? ' inbox-unread' : ''}`}>
      <div className="inbox-main">
        <p className="inbox-title">
          {n.readAt === null ? (
            <span className="visually-hidden">{t('notifications.new')}</span>
          ) : null}
          <Link to={linkOf(n)}>{n.title}</Link>
          <span className="tag">{t(`notifications.kind.${n.kind}`)}</span>
          {n.critical ? (
            <span className="tag tag-missed">{t('notifications.critical')}</span>
          ) : null}
        </p>
        {n.body ? <p className="inbox-body">{n.body}</p> : null}
        <time className="muted" dateTime={n.createdAt}>
          {formatDateTime(n.createdAt, i18n.language)}
        </time>
      </div>
      <div className="actions">
        {needsAck(n) ? (
          <button
            type="button"
            className="btn btn-small btn-primary"
            onClick={() => act(() => notificationsStore.acknowledge(n))}
          >
            {t('notifications.acknowledge')}
          </button>
        ) : n.readAt === null ? (
          <button
            type="button"
            className="btn btn-small"
            aria-label={t('notifications.markReadLabel', { title: n.title })}
            onClick={() => act(() => notificationsApi.read(n.id))}
          >
            {t('notifications.markRead')}
          </button>
        ) : null}
        {n.archivedAt === null && !needsAck(n) ? (
          <button
            type="button"
            className="btn btn-small btn-quiet"
            aria-label={t('notifications.archiveLabel', { title: n.title })}
            onClick={() => act(() => notificationsApi.archive(n.id))}
          >
            {t('notifications.archive')}
          </button>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, error)}
        </p>
      ) : null}
    </li>
  );
}
