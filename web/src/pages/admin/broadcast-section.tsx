import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { supervision } from '@web/api/supervision';
import type { Role } from '@web/api/types';
import { formatDateTime } from '@web/components/time';
import { useAction } from '@web/pages/admin/use-action';

const ROLES: readonly Role[] = ['agent', 'receptionist', 'supervisor', 'admin'];

/** A broadcast to everyone or one role, then who has acknowledged it, refreshed live. */
export function BroadcastSection() {
  const { t, i18n } = useTranslation();
  const action = useAction([]);
  const [text, setText] = useState('');
  const [audience, setAudience] = useState<'everyone' | Role>('everyone');
  const [critical, setCritical] = useState(false);
  const [requireAck, setRequireAck] = useState(true);
  const [sentId, setSentId] = useState<string | null>(null);
  const status = useQuery({
    queryKey: ['admin', 'broadcast', sentId],
    queryFn: () => supervision.broadcastStatus(sentId!),
    enabled: sentId !== null,
    refetchInterval: 3000,
  });
  const b = status.data;
  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="broadcast-title">
        <h2 id="broadcast-title">{t('admin.broadcast.title')}</h2>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void action
              .run(
                () =>
                  supervision.broadcast({
                    text: text.trim(),
                    critical,
                    requireAck,
                    ...(audience === 'everyone' ? {} : { roles: [audience] }),
                  }),
                t('admin.broadcast.sent'),
              )
              .then((sent) => {
                if (!sent) return;
                setSentId(sent.id);
                setText('');
              });
          }}
        >
          <label className="field">
            <span>{t('admin.broadcast.text')}</span>
            <textarea
              required
              rows={4}
              maxLength={4000}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          </label>
          <label className="field">
            <span>{t('admin.broadcast.audience')}</span>
            <select
              value={audience}
              onChange={(e) => setAudience(e.target.value as 'everyone' | Role)}
            >
              <option value="everyone">{t('admin.broadcast.everyone')}</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <input
              type="checkbox"
              checked={critical}
              onChange={(e) => setCritical(e.target.checked)}
            />{' '}
            {t('admin.broadcast.critical')}
          </label>
          <label>
            <input
              type="checkbox"
              checked={requireAck}
              onChange={(e) => setRequireAck(e.target.checked)}
            />{' '}
            {t('admin.broadcast.requireAck')}
          </label>
          {action.notice}
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            {t('admin.broadcast.send')}
          </button>
        </form>
      </section>
      {b ? (
        <section className="card" aria-labelledby="acks-title">
          <header className="card-head">
            <h2 id="acks-title">{t('admin.broadcast.acks')}</h2>
            <span className="muted">
              {t('admin.broadcast.progress', { acked: b.acknowledged, total: b.recipients.length })}
            </span>
          </header>
          <blockquote className="broadcast-text">{b.text}</blockquote>
          <ul className="plain-list" aria-label={t('admin.broadcast.acks')}>
            {b.recipients.map((r) => (
              <li key={r.userId} className="ack-row">
                <span
                  className={`lamp ${r.ackedAt ? 'lamp-idle' : 'lamp-offline'}`}
                  aria-hidden="true"
                />
                <span className="grow">{r.username}</span>
                <span className="muted">
                  {r.ackedAt
                    ? t('admin.broadcast.ackedAt', {
                        time: formatDateTime(r.ackedAt, i18n.language),
                      })
                    : t('admin.broadcast.pending')}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
