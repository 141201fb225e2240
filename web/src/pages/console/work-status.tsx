import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { consoleStore } from '@web/api/console-store';
import { api } from '@web/api/endpoints';
import { errorText } from '@web/api/errors';
import type { Presence, StaffStatus } from '@web/api/types';
import { formatDuration, secondsSince, useNow } from '@web/components/time';

const STATUSES: StaffStatus[] = ['available', 'break', 'offline'];

/** Available / break (with a reason) / offline, and the live state with its time or countdown. */
export function WorkStatus({
  me,
  wrapUpSeconds,
}: {
  me: Presence | null;
  /** The wrap-up time of the queue of the last call, for the countdown. */
  wrapUpSeconds: number | null;
}) {
  const { t } = useTranslation();
  const now = useNow();
  const [askReason, setAskReason] = useState(false);
  const [reason, setReason] = useState('');
  const change = useMutation({
    mutationFn: (v: { status: StaffStatus; reason?: string }) =>
      api.setMyStatus(v.status, v.reason),
    onSuccess: (presence) => {
      consoleStore.setMe(presence);
      setAskReason(false);
    },
  });

  function pick(status: StaffStatus) {
    if (status === 'break') {
      setAskReason(true);
      return;
    }
    setAskReason(false);
    change.mutate({ status });
  }

  function startBreak(e: FormEvent) {
    e.preventDefault();
    change.mutate({ status: 'break', reason: reason.trim() || undefined });
  }

  const inState = me ? secondsSince(me.stateSince, now) : 0;
  const wrapLeft =
    me?.state === 'wrap_up' && wrapUpSeconds !== null ? Math.max(0, wrapUpSeconds - inState) : null;

  return (
    <section className="card" aria-labelledby="work-status-title">
      <h2 id="work-status-title">{t('status.title')}</h2>
      <div className="segmented" role="group" aria-label={t('status.workStatus')}>
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            className={`seg seg-${s}`}
            aria-pressed={me?.status === s}
            disabled={change.isPending}
            onClick={() => pick(s)}
          >
            {t(`status.${s}`)}
          </button>
        ))}
      </div>
      {askReason ? (
        <form className="inline-form" onSubmit={startBreak}>
          <label className="field">
            <span>{t('status.breakReason')}</span>
            <input
              value={reason}
              maxLength={100}
              list="break-reasons"
              onChange={(e) => setReason(e.target.value)}
              autoFocus
            />
            <datalist id="break-reasons">
              {(['lunch', 'coffee', 'training', 'meeting'] as const).map((r) => (
                <option key={r} value={t(`status.reasons.${r}`)} />
              ))}
            </datalist>
          </label>
          <button type="submit" className="btn btn-primary" disabled={change.isPending}>
            {t('status.startBreak')}
          </button>
          <button type="button" className="btn btn-quiet" onClick={() => setAskReason(false)}>
            {t('common.cancel')}
          </button>
        </form>
      ) : null}
      {change.error ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, change.error)}
        </p>
      ) : null}
      {me ? (
        <p className="state-line" aria-live="polite">
          <span className={`lamp lamp-${lampOf(me)}`} aria-hidden="true" />
          <span>
            {me.status === 'break'
              ? t('status.onBreak', { reason: me.breakReason ?? t('status.break') })
              : me.status === 'offline'
                ? t('status.offline')
                : t(`state.${me.state}`)}
          </span>
          <span className="mono muted">
            {wrapLeft !== null
              ? t('status.wrapUpLeft', { time: formatDuration(wrapLeft) })
              : formatDuration(inState)}
          </span>
        </p>
      ) : (
        <p className="muted">{t('common.loading')}</p>
      )}
    </section>
  );
}

/** The lamp colour of a person, as the board shows it. */
export function lampOf(p: Presence): string {
  if (p.status === 'offline') return 'offline';
  if (p.status === 'break') return 'break';
  return p.state;
}
