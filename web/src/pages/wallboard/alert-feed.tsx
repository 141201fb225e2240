import { useTranslation } from 'react-i18next';
import { formatDateTime, formatDuration } from '@web/components/time';
import type { FeedItem } from '@web/pages/wallboard/live-store';

/** Threshold breaches and routing alerts, newest first, each naming the queue, line or call. */
export function AlertFeed({
  feed,
  nameOf,
}: {
  feed: FeedItem[];
  nameOf: (code: string | null) => string | null;
}) {
  const { t, i18n } = useTranslation();
  return (
    <section className="card wb-feed" aria-labelledby="wb-feed-title">
      <header className="card-head">
        <h2 id="wb-feed-title">{t('wallboard.alerts')}</h2>
        <span className="count">{feed.length}</span>
      </header>
      {feed.length === 0 ? (
        <p className="muted">{t('wallboard.noAlerts')}</p>
      ) : (
        <ol className="plain-list feed-list" aria-label={t('wallboard.alerts')}>
          {feed.map((item) => (
            <li key={item.id} className={`feed-item feed-${severityOf(item)}`}>
              <time className="mono muted" dateTime={new Date(item.at).toISOString()}>
                {formatDateTime(new Date(item.at).toISOString(), i18n.language)}
              </time>
              <span>{describe(item)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );

  function describe(item: FeedItem): string {
    if (item.source === 'routing') {
      return t('wallboard.alert.missed', {
        queue: nameOf(item.event.queue) ?? t('wallboard.noQueue'),
        call: item.event.callId,
        wait: formatDuration(item.event.waitedSeconds),
      });
    }
    const e = item.event;
    const subject =
      e.subject.type === 'queue' ? (nameOf(e.subject.code) ?? e.subject.code) : e.subject.code;
    const value =
      e.kind === 'line.occupancy'
        ? `${Math.round(e.value * 100)} %`
        : e.kind === 'queue.longest-wait'
          ? formatDuration(e.value)
          : String(e.value);
    const limit =
      e.kind === 'line.occupancy'
        ? `${Math.round(e.threshold * 100)} %`
        : e.kind === 'queue.longest-wait'
          ? formatDuration(e.threshold)
          : String(e.threshold);
    return t(`wallboard.alert.${e.kind.replace('.', '-')}.${e.state}`, { subject, value, limit });
  }
}

function severityOf(item: FeedItem): 'bad' | 'ok' {
  return item.source === 'threshold' && item.event.state === 'cleared' ? 'ok' : 'bad';
}
