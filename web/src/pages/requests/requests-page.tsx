import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText } from '@web/api/errors';
import { usePeople } from '@web/api/people';
import { realtime } from '@web/api/realtime';
import { requestsApi } from '@web/api/requests';
import type { ClientRequest, Queue } from '@web/api/types';
import { useQueues } from '@web/components/use-queues';
import { formatDateTime, useNow } from '@web/components/time';
import { RequestDetail } from '@web/pages/requests/request-detail';
import { hasAnyRole, useSession } from '@web/pages/shell/use-session';
import '@web/pages/requests/requests.css';

type Tab = 'mine' | 'queue';

/** Open requests: mine and a queue's, overdue ones first and red; the selected one beside. */
export function RequestsPage() {
  const { t } = useTranslation();
  const { requestId } = useParams();
  const current = useSession();
  const queryClient = useQueryClient();
  const { queues } = useQueues();
  const [tab, setTab] = useState<Tab>('mine');
  const [queue, setQueue] = useState('');
  const me = current?.me.id ?? '';
  const queueCode = queue || queues[0]?.code || '';
  const list = useQuery({
    queryKey: ['requests', tab, tab === 'mine' ? me : queueCode],
    queryFn: () =>
      requestsApi.list(
        tab === 'mine' ? { assigneeId: me, status: 'open' } : { queue: queueCode, status: 'open' },
      ),
    enabled: tab === 'mine' || queueCode !== '',
  });

  // Created, advanced, reassigned, overdue: whatever the lists show may have changed.
  useEffect(
    () =>
      realtime.on('request.changed', () => {
        void queryClient.invalidateQueries({ queryKey: ['requests'] });
        void queryClient.invalidateQueries({ queryKey: ['request'] });
      }),
    [queryClient],
  );

  const onlyOwn = !hasAnyRole(current, ['receptionist', 'supervisor', 'admin']);
  return (
    <div className="requests-grid">
      <section className="card" aria-labelledby="requests-title">
        <header className="card-head">
          <h2 id="requests-title">{t('requests.title')}</h2>
          <Link to="/requests/new" className="btn btn-primary btn-small">
            {t('requests.new')}
          </Link>
        </header>
        <div className="segmented req-tabs" role="tablist" aria-label={t('requests.whose')}>
          {(['mine', 'queue'] as const).map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              className="seg"
              aria-selected={tab === name}
              onClick={() => setTab(name)}
            >
              {t(`requests.tabs.${name}`)}
            </button>
          ))}
        </div>
        {tab === 'queue' ? (
          <QueuePicker queues={queues} value={queueCode} onChange={setQueue} />
        ) : null}
        {tab === 'queue' && onlyOwn ? <p className="muted">{t('requests.agentsOwnOnly')}</p> : null}
        {list.error ? (
          <p role="alert" className="notice notice-error">
            {errorText(t, list.error)}
          </p>
        ) : null}
        <RequestList
          items={list.data?.items ?? []}
          loading={list.isPending && list.fetchStatus !== 'idle'}
          selected={requestId}
        />
      </section>
      {requestId ? (
        <RequestDetail key={requestId} id={requestId} />
      ) : (
        <section className="card empty" aria-label={t('requests.noneSelected')}>
          <p className="muted">{t('requests.pick')}</p>
        </section>
      )}
    </div>
  );
}

function QueuePicker({
  queues,
  value,
  onChange,
}: {
  queues: Queue[];
  value: string;
  onChange: (code: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <label className="field">
      <span>{t('requests.queue')}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {queues.map((q) => (
          <option key={q.id} value={q.code}>
            {q.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function isOverdue(r: ClientRequest, now: number): boolean {
  return r.status === 'open' && r.dueAt !== null && Date.parse(r.dueAt) <= now;
}

function RequestList({
  items,
  loading,
  selected,
}: {
  items: ClientRequest[];
  loading: boolean;
  selected: string | undefined;
}) {
  const { t, i18n } = useTranslation();
  const people = usePeople();
  const navigate = useNavigate();
  const now = useNow(15_000);
  if (loading) return <p className="muted">{t('common.loading')}</p>;
  if (items.length === 0) return <p className="muted">{t('requests.none')}</p>;
  const sorted = [...items].sort(
    (a, b) =>
      Number(isOverdue(b, now)) - Number(isOverdue(a, now)) ||
      (a.dueAt ?? '9').localeCompare(b.dueAt ?? '9') ||
      b.priority - a.priority,
  );
  return (
    <table className="req-table" aria-label={t('requests.list')}>
      <thead>
        <tr>
          <th scope="col">{t('requests.number')}</th>
          <th scope="col">{t('requests.subject')}</th>
          <th scope="col">{t('requests.stage')}</th>
          <th scope="col">{t('requests.assignee')}</th>
          <th scope="col">{t('requests.due')}</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((r) => {
          const overdue = isOverdue(r, now);
          return (
            <tr
              key={r.id}
              className={`${overdue ? 'req-overdue' : ''}${r.id === selected ? ' req-selected' : ''}`}
              onClick={() => void navigate(`/requests/${r.id}`)}
            >
              <td className="mono">#{r.number}</td>
              <td>
                <Link to={`/requests/${r.id}`}>{r.subject}</Link>
              </td>
              <td>{r.currentStage}</td>
              <td>{people.name(r.assigneeId)}</td>
              <td>
                {r.dueAt ? formatDateTime(r.dueAt, i18n.language) : t('dossier.none')}
                {overdue ? <span className="tag tag-missed">{t('requests.overdue')}</span> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
