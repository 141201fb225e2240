import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { LiveQueue, StatsLive } from '@web/api/supervision-types';
import { TickingDuration } from '@web/components/ticking-duration';
import { formatDuration, useSecondsPassed } from '@web/components/time';
import { percent, seconds } from '@web/pages/wallboard/format';

export type Severity = 'ok' | 'warn' | 'bad';

const worst = (...levels: Severity[]): Severity =>
  levels.includes('bad') ? 'bad' : levels.includes('warn') ? 'warn' : 'ok';

/**
 * Colours from the configured thresholds: waiting callers and longest wait against the alert
 * limits (`STATS_ALERT_*`; amber from half the waiting limit, or once a caller is past the
 * queue's SL threshold), service level against the target (amber below it, red 20 points under).
 */
export function severities(
  q: LiveQueue,
  longest: number | null,
  thresholds: StatsLive['thresholds'],
): { waiting: Severity; longest: Severity; sl: Severity; tile: Severity } {
  const waiting: Severity =
    q.waiting >= thresholds.queueWaiting
      ? 'bad'
      : q.waiting > 0 && q.waiting >= Math.ceil(thresholds.queueWaiting / 2)
        ? 'warn'
        : 'ok';
  const wait: Severity =
    longest === null
      ? 'ok'
      : longest >= thresholds.queueLongestWaitSeconds
        ? 'bad'
        : longest >= q.slThresholdSeconds
          ? 'warn'
          : 'ok';
  const level = q.today.serviceLevel;
  const sl: Severity =
    level === null
      ? 'ok'
      : level < thresholds.serviceLevel - 0.2
        ? 'bad'
        : level < thresholds.serviceLevel
          ? 'warn'
          : 'ok';
  return { waiting, longest: wait, sl, tile: worst(waiting, wait, sl) };
}

/**
 * One queue on the wallboard; the longest wait keeps ticking between snapshots (only a tile
 * with someone waiting follows the clock).
 */
export const QueueTile = memo(function QueueTile({
  queue,
  name,
  thresholds,
  receivedAt,
  onMessage,
}: {
  queue: LiveQueue;
  name: string;
  thresholds: StatsLive['thresholds'];
  /** Client clock when the snapshot arrived. */
  receivedAt: number;
  /** Opens a broadcast to the queue's members (not in TV mode). */
  onMessage?: (queue: { id: string; name: string }) => void;
}) {
  const { t } = useTranslation();
  const waiting = queue.longestWaitSeconds !== null && queue.waiting > 0;
  // The longest wait ticks in the shared ticker's span; the tile re-renders only when it
  // crosses a threshold that changes its colour.
  const startedAt = receivedAt - (queue.longestWaitSeconds ?? 0) * 1000;
  const since = new Date(startedAt).toISOString();
  const pastSl = useSecondsPassed(since, queue.slThresholdSeconds);
  const pastAlert = useSecondsPassed(since, thresholds.queueLongestWaitSeconds);
  const reported = queue.longestWaitSeconds;
  const longest =
    reported === null || !waiting
      ? reported
      : pastAlert
        ? Math.max(reported, thresholds.queueLongestWaitSeconds)
        : pastSl
          ? Math.max(reported, queue.slThresholdSeconds)
          : reported;
  const level = severities(queue, longest, thresholds);
  const { today, staff } = queue;
  const abandonRate = today.offered === 0 ? null : today.abandoned / today.offered;
  return (
    <article className={`tile tile-${level.tile}`} aria-label={name}>
      <header className="tile-head">
        <h3>{name}</h3>
        <span className="muted mono">{queue.queueCode}</span>
        {onMessage ? (
          <button
            type="button"
            className="btn btn-small tile-message"
            onClick={() => onMessage({ id: queue.queueId, name })}
            title={t('wallboard.message', { name })}
            aria-label={t('wallboard.message', { name })}
          >
            ✉
          </button>
        ) : null}
      </header>
      <dl className="tile-main">
        <div className={`metric metric-${level.waiting}`}>
          <dt>{t('wallboard.waiting')}</dt>
          <dd className="big">{queue.waiting}</dd>
        </div>
        <div className={`metric metric-${level.longest}`}>
          <dt>{t('wallboard.longestWait')}</dt>
          <dd className="big mono">
            {longest === null ? (
              '—'
            ) : waiting ? (
              <TickingDuration since={startedAt} />
            ) : (
              formatDuration(longest)
            )}
          </dd>
        </div>
        <div className={`metric metric-${level.sl}`}>
          <dt>{t('wallboard.serviceLevel', { seconds: queue.slThresholdSeconds })}</dt>
          <dd className="big">{percent(today.serviceLevel)}</dd>
        </div>
      </dl>
      <dl className="tile-small">
        <div>
          <dt>{t('wallboard.asa')}</dt>
          <dd>{seconds(today.asa)}</dd>
        </div>
        <div>
          <dt>{t('wallboard.abandonRate')}</dt>
          <dd>{percent(abandonRate)}</dd>
        </div>
        <div>
          <dt>{t('wallboard.offered')}</dt>
          <dd>{today.offered}</dd>
        </div>
        <div>
          <dt>{t('wallboard.answered')}</dt>
          <dd>{today.answered}</dd>
        </div>
        <div>
          <dt>{t('wallboard.abandoned')}</dt>
          <dd>{today.abandoned}</dd>
        </div>
      </dl>
      <ul className="tile-staff" aria-label={t('wallboard.staffOf', { name })}>
        <li>
          <span className="lamp lamp-idle" aria-hidden="true" />
          {t('wallboard.available', { count: staff.byStatus.available })}
        </li>
        <li>
          <span className="lamp lamp-busy" aria-hidden="true" />
          {t('wallboard.busy', { count: staff.byState.busy + staff.byState.offered })}
        </li>
        <li>
          <span className="lamp lamp-wrap_up" aria-hidden="true" />
          {t('wallboard.wrapUp', { count: staff.byState.wrap_up })}
        </li>
        <li>
          <span className="lamp lamp-break" aria-hidden="true" />
          {t('wallboard.onBreak', { count: staff.byStatus.break })}
        </li>
      </ul>
    </article>
  );
});
