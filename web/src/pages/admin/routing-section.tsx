import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { supervision } from '@web/api/supervision';
import type { RoutingDecision } from '@web/api/supervision-types';
import { errorText } from '@web/api/errors';
import { formatDateTime } from '@web/components/time';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Explainable routing: every decision for a call or request, as a timeline people can read. */
export function RoutingSection() {
  const { t, i18n } = useTranslation();
  const [kind, setKind] = useState<'call' | 'request'>('call');
  const [id, setId] = useState('');
  const [decisions, setDecisions] = useState<RoutingDecision[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const users = useQuery({ queryKey: ['admin', 'users'], queryFn: supervision.users });
  const nameOf = (staffId: string) =>
    users.data?.items.find((u) => u.id === staffId)?.displayName ?? staffId.slice(0, 8);

  const look = async () => {
    setError(null);
    setDecisions(null);
    try {
      let target = id.trim();
      if (kind === 'call' && !UUID.test(target)) {
        // People copy the telephony id from the PBX; find the call it names.
        const found = await supervision.findCall(target);
        if (found === null) throw new Error(t('admin.routing.noSuchCall'));
        target = found.id;
      }
      setDecisions(
        kind === 'call'
          ? await supervision.callRouting(target)
          : await supervision.requestRouting(target),
      );
    } catch (err) {
      setError(err instanceof Error && !('code' in err) ? err.message : errorText(t, err));
    }
  };

  return (
    <section className="card" aria-labelledby="routing-title">
      <h2 id="routing-title">{t('admin.routing.title')}</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void look();
        }}
      >
        <label className="field">
          <span>{t('admin.routing.kind')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as 'call' | 'request')}>
            <option value="call">{t('admin.routing.call')}</option>
            <option value="request">{t('admin.routing.request')}</option>
          </select>
        </label>
        <label className="field grow">
          <span>{t('admin.routing.id')}</span>
          <input required value={id} onChange={(e) => setId(e.target.value)} />
        </label>
        <button type="submit" className="btn btn-primary">
          {t('admin.routing.show')}
        </button>
      </form>
      {error ? (
        <p role="alert" className="notice notice-error">
          {error}
        </p>
      ) : null}
      {decisions === null ? null : decisions.length === 0 ? (
        <p className="muted">{t('admin.routing.none')}</p>
      ) : (
        <ol className="timeline" aria-label={t('admin.routing.timeline')}>
          {decisions.map((d) => {
            const rejected =
              (d.candidates as { rejected?: { staffId: string; reason: string }[] } | null)
                ?.rejected ?? [];
            return (
              <li key={d.id}>
                <div className="timeline-head">
                  <time className="mono">{formatDateTime(d.at, i18n.language)}</time>
                  <strong>{t(`admin.strategy.${d.strategy}`, { defaultValue: d.strategy })}</strong>
                  <span className="tag">{d.trigger}</span>
                </div>
                <p>{d.reason}</p>
                {d.ordered.length > 0 ? (
                  <p>
                    {t('admin.routing.order')}: {d.ordered.map(nameOf).join(' → ')}
                  </p>
                ) : null}
                <p>
                  {t('admin.routing.offeredTo')}:{' '}
                  {d.offeredTo.length === 0
                    ? t('admin.routing.nobody')
                    : d.offeredTo.map(nameOf).join(', ')}
                </p>
                {rejected.length > 0 ? (
                  <ul className="plain-list muted">
                    {rejected.map((r) => (
                      <li key={r.staffId}>
                        {nameOf(r.staffId)}:{' '}
                        {t(`admin.routing.reasons.${r.reason}`, { defaultValue: r.reason })}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
