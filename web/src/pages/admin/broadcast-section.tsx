import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { supervision } from '@web/api/supervision';
import type { Role } from '@web/api/types';
import { formatDateTime } from '@web/components/time';
import { useQueues } from '@web/components/use-queues';
import { useAction } from '@web/pages/admin/use-action';
import '@web/pages/admin/admin.css';

const ROLES: readonly Role[] = ['agent', 'receptionist', 'supervisor', 'admin'];

/** Everyone, one role (`role:agent`) or one queue's members (`queue:<id>`). */
type Audience = 'everyone' | `role:${Role}` | `queue:${string}`;

function audienceBody(audience: Audience): { roles?: Role[]; queueId?: string } {
  if (audience.startsWith('role:')) return { roles: [audience.slice(5) as Role] };
  if (audience.startsWith('queue:')) return { queueId: audience.slice(6) };
  return {};
}

/** The admin page's section: the composer with every audience, then its acknowledgements. */
export function BroadcastSection() {
  return (
    <div className="admin-grid">
      <BroadcastComposer />
    </div>
  );
}

/**
 * A broadcast's form (text, audience, critical, acknowledgement) and, once sent, who has
 * acknowledged it, refreshed every few seconds. With `queue` the audience is that queue's
 * members and not asked for (the wallboard's "message this queue").
 */
export function BroadcastComposer({ queue }: { queue?: { id: string; name: string } }) {
  const { t } = useTranslation();
  const action = useAction([]);
  const { queues } = useQueues();
  const [text, setText] = useState('');
  const [audience, setAudience] = useState<Audience>(queue ? `queue:${queue.id}` : 'everyone');
  const [critical, setCritical] = useState(false);
  const [requireAck, setRequireAck] = useState(true);
  const [sentId, setSentId] = useState<string | null>(null);
  return (
    <>
      <section className="card" aria-labelledby="broadcast-title">
        <h2 id="broadcast-title">
          {queue ? t('admin.broadcast.toQueue', { name: queue.name }) : t('admin.broadcast.title')}
        </h2>
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
                    ...audienceBody(audience),
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
          {queue ? null : (
            <label className="field">
              <span>{t('admin.broadcast.audience')}</span>
              <select value={audience} onChange={(e) => setAudience(e.target.value as Audience)}>
                <option value="everyone">{t('admin.broadcast.everyone')}</option>
                <optgroup label={t('admin.broadcast.byRole')}>
                  {ROLES.map((r) => (
                    <option key={r} value={`role:${r}`}>
                      {t(`role.${r}`)}
                    </option>
                  ))}
                </optgroup>
                {queues.length > 0 ? (
                  <optgroup label={t('admin.broadcast.byQueue')}>
                    {queues.map((q) => (
                      <option key={q.id} value={`queue:${q.id}`}>
                        {t('admin.broadcast.queueMembers', { name: q.name })}
                      </option>
                    ))}
                  </optgroup>
                ) : null}
              </select>
            </label>
          )}
          <label className="check-label">
            <input
              type="checkbox"
              checked={critical}
              onChange={(e) => setCritical(e.target.checked)}
            />{' '}
            {t('admin.broadcast.critical')}
          </label>
          <label className="check-label">
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
      {sentId ? <BroadcastAcks id={sentId} /> : null}
    </>
  );
}

/** Who a broadcast went to and who has acknowledged it, refreshed every 3 s. */
function BroadcastAcks({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const status = useQuery({
    queryKey: ['admin', 'broadcast', id],
    queryFn: () => supervision.broadcastStatus(id),
    refetchInterval: 3000,
  });
  const b = status.data;
  if (!b) return null;
  return (
    <section className="card" aria-labelledby="acks-title">
      <header className="card-head">
        <h2 id="acks-title">{t('admin.broadcast.acks')}</h2>
        <span className="muted">
          {t('admin.broadcast.progress', { acked: b.acknowledged, total: b.recipients.length })}
        </span>
      </header>
      {b.queueName ? (
        <p className="muted">{t('admin.broadcast.queueMembers', { name: b.queueName })}</p>
      ) : null}
      <blockquote className="broadcast-text">{b.text}</blockquote>
      {b.recipients.length === 0 ? (
        <p className="muted">{t('admin.broadcast.nobody')}</p>
      ) : (
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
      )}
    </section>
  );
}
