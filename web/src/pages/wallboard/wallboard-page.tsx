import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useConsole } from '@web/api/console-store';
import { api } from '@web/api/endpoints';
import { formatTime } from '@web/components/time';
import { useQueues } from '@web/components/use-queues';
import { hasAnyRole, useSession } from '@web/pages/shell/use-session';
import { AlertFeed } from '@web/pages/wallboard/alert-feed';
import { useLive } from '@web/pages/wallboard/live-store';
import { parseChosenQueues, QueuePicker } from '@web/pages/wallboard/queue-picker';
import { QueueBroadcastDialog } from '@web/pages/wallboard/queue-broadcast-dialog';
import { QueueTile } from '@web/pages/wallboard/queue-tile';
import { StaffTable } from '@web/pages/wallboard/staff-table';
import { useStaffToday } from '@web/pages/wallboard/use-staff-today';
import '@web/pages/wallboard/wallboard.css';

const Feed = memo(AlertFeed);
const Staff = memo(StaffTable);
const byName = new Intl.Collator();

/**
 * The supervisor's wallboard: a tile per queue from `stats.live`, the alert feed and the staff
 * table. TV mode hides everything but the tiles and the feed and goes full screen.
 */
export function WallboardPage() {
  const { t, i18n } = useTranslation();
  const live = useLive();
  // Staff changes arrive dozens a second on a big floor: the console store shows them together,
  // at most every BOARD_FLUSH_MS, so one render holds them all.
  const board = useConsole();
  const current = useSession();
  const { nameOf } = useQueues();
  const [tv, setTv] = useState(false);
  const [messaging, setMessaging] = useState<{ id: string; name: string } | null>(null);
  const [params, setParams] = useSearchParams();
  // Held here and copied to the address: the router's update is a transition, and a checkbox
  // bound to it would flick back for a frame.
  const [chosen, setChosen] = useState(() => parseChosenQueues(params.get('queues')));
  const supervisor = current !== null && hasAnyRole(current, ['supervisor']);
  // Staff changes reach the supervisors' room only; an admin's table asks every few seconds.
  const polled = useQuery({
    queryKey: ['wallboard', 'presence'],
    queryFn: api.staffPresence,
    enabled: !supervisor,
    refetchInterval: 5000,
  });
  const polledByName = useMemo(
    () =>
      polled.data && [...polled.data].sort((a, b) => byName.compare(a.displayName, b.displayName)),
    [polled.data],
  );
  const staff = supervisor ? board.staff : (polledByName ?? board.staff);
  const snapshot = live.snapshot;
  const today = useStaffToday(snapshot?.todayFrom ?? null, snapshot?.timeZone ?? null);

  useEffect(() => {
    document.documentElement.classList.toggle('tv-mode', tv);
    if (!tv) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setTv(false);
    const onFullscreen = () => document.fullscreenElement === null && setTv(false);
    window.addEventListener('keydown', onKey);
    document.addEventListener('fullscreenchange', onFullscreen);
    return () => {
      document.documentElement.classList.remove('tv-mode');
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('fullscreenchange', onFullscreen);
    };
  }, [tv]);

  const enterTv = () => {
    setTv(true);
    // Not allowed without a user gesture or in some kiosks: TV mode still works in the window.
    document.documentElement.requestFullscreen?.().catch(() => undefined);
  };
  const leaveTv = () => {
    setTv(false);
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  };

  const every = useMemo(
    () =>
      [...(snapshot?.queues ?? [])].sort((a, b) =>
        (nameOf(a.queueCode) ?? a.queueCode).localeCompare(nameOf(b.queueCode) ?? b.queueCode),
      ),
    [snapshot, nameOf],
  );
  const queues = useMemo(
    () => (chosen === null ? every : every.filter((q) => chosen.has(q.queueCode.toLowerCase()))),
    [every, chosen],
  );
  const message = useCallback((queue: { id: string; name: string }) => setMessaging(queue), []);
  const choose = (next: ReadonlySet<string> | null) => {
    setChosen(next);
    setParams(
      (prev) => {
        const out = new URLSearchParams(prev);
        if (next === null) out.delete('queues');
        else out.set('queues', [...next].join(','));
        return out;
      },
      { replace: true },
    );
  };
  const totals = queues.reduce(
    (s, q) => ({ waiting: s.waiting + q.waiting, offered: s.offered + q.today.offered }),
    { waiting: 0, offered: 0 },
  );

  return (
    <div className={tv ? 'wallboard wallboard-tv' : 'wallboard'}>
      <header className="wb-head">
        <h1>{t('wallboard.title')}</h1>
        <span className="muted">
          {t('wallboard.summary', { waiting: totals.waiting, offered: totals.offered })}
        </span>
        {snapshot ? (
          <span className={live.stale ? 'wb-updated stale' : 'wb-updated muted'} role="status">
            {live.stale
              ? t('wallboard.stale')
              : t('wallboard.updated', {
                  time: formatTime(snapshot.at, i18n.language),
                })}
          </span>
        ) : null}
        {tv || every.length === 0 ? null : (
          <QueuePicker
            queues={every.map((q) => ({
              code: q.queueCode,
              name: nameOf(q.queueCode) ?? q.queueCode,
            }))}
            chosen={chosen}
            onChange={choose}
          />
        )}
        {tv ? (
          <button type="button" className="btn btn-small" onClick={leaveTv}>
            {t('wallboard.leaveTv')}
          </button>
        ) : (
          <button type="button" className="btn btn-small" onClick={enterTv}>
            {t('wallboard.tv')}
          </button>
        )}
      </header>
      {snapshot === null ? (
        <p className="muted">{t('common.loading')}</p>
      ) : every.length === 0 ? (
        <p className="muted">{t('wallboard.noQueues')}</p>
      ) : queues.length === 0 ? (
        <p className="muted">{t('wallboard.noneChosen')}</p>
      ) : (
        <div className="tiles" role="list" aria-label={t('wallboard.queues')}>
          {queues.map((q) => (
            <div role="listitem" key={q.queueId}>
              <QueueTile
                queue={q}
                name={nameOf(q.queueCode) ?? q.queueCode}
                thresholds={snapshot.thresholds}
                receivedAt={live.receivedAt}
                onMessage={tv ? undefined : message}
              />
            </div>
          ))}
        </div>
      )}
      <div className="wb-lower">
        {tv ? null : <Staff staff={staff} today={today} calls={board.inProgress} nameOf={nameOf} />}
        <Feed feed={live.feed} nameOf={nameOf} />
      </div>
      {messaging ? (
        <QueueBroadcastDialog queue={messaging} onClose={() => setMessaging(null)} />
      ) : null}
    </div>
  );
}
