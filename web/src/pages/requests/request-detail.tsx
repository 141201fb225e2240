import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { chatApi, chatStore } from '@web/api/chat';
import { errorField, errorText } from '@web/api/errors';
import { usePeople } from '@web/api/people';
import { planInStagePath } from '@web/api/planner';
import { requestsApi } from '@web/api/requests';
import type { ClientRequest } from '@web/api/types';
import { formatDateTime, useNow } from '@web/components/time';
import { useQueues } from '@web/components/use-queues';

/** One request: its stages with assignees and due times, advance, discuss in a chat room. */
export function RequestDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const request = useQuery({ queryKey: ['request', id], queryFn: () => requestsApi.get(id) });
  if (request.error) {
    return (
      <section className="card" aria-label={t('requests.detail')}>
        <p role="alert" className="notice notice-error">
          {errorText(t, request.error)}
        </p>
      </section>
    );
  }
  if (!request.data) return <section className="card muted">{t('common.loading')}</section>;
  return <Detail request={request.data} />;
}

function Detail({ request: r }: { request: ClientRequest }) {
  const { t, i18n } = useTranslation();
  const people = usePeople();
  const { queues } = useQueues();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const now = useNow(15_000);
  const [note, setNote] = useState('');
  const [nextAssignee, setNextAssignee] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const overdue = r.status === 'open' && r.dueAt !== null && Date.parse(r.dueAt) <= now;
  const stages = r.stages ?? [];
  const isLast = stages.length > 0 && stages.at(-1)?.stage === r.currentStage;

  const advance = useMutation({
    mutationFn: () =>
      requestsApi.advance(r.id, {
        note: note.trim() || undefined,
        assigneeId: nextAssignee || undefined,
      }),
    onSuccess: (next) => {
      setNote('');
      setNextAssignee('');
      setDone(
        next.status === 'open'
          ? t('requests.advancedTo', { stage: next.currentStage })
          : t('requests.closed'),
      );
      queryClient.setQueryData(['request', r.id], next);
      void queryClient.invalidateQueries({ queryKey: ['requests'] });
    },
  });
  const discuss = useMutation({
    mutationFn: () =>
      chatApi.createRoom({
        kind: 'context',
        contextType: 'request',
        contextId: r.id,
        title: t('requests.roomTitle', { number: r.number, subject: r.subject }).slice(0, 200),
        memberIds: [r.assigneeId, r.createdById].filter(
          (x): x is string => x !== null && x !== undefined,
        ),
      }),
    onSuccess: async (room) => {
      await chatStore.loadRooms();
      void navigate(`/chat/${room.id}`);
    },
  });
  const field = errorField(advance.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    advance.mutate();
  }

  return (
    <section className="card req-detail" aria-labelledby="req-title">
      <header className="card-head">
        <h2 id="req-title">
          #{r.number} {r.subject}
        </h2>
        <span className={`tag tag-status-${r.status}`}>{t(`requests.status.${r.status}`)}</span>
      </header>
      {overdue ? (
        <p role="status" className="notice notice-error">
          {t('requests.overdueSince', { time: formatDateTime(r.dueAt!, i18n.language) })}
        </p>
      ) : null}
      <dl className="facts">
        <dt>{t('requests.channel')}</dt>
        <dd>{t(`channel.${r.channel}`)}</dd>
        <dt>{t('requests.queue')}</dt>
        <dd>{queues.find((q) => q.id === r.queueId)?.name ?? t('dossier.none')}</dd>
        <dt>{t('requests.priority')}</dt>
        <dd>{r.priority}</dd>
        <dt>{t('requests.created')}</dt>
        <dd>{formatDateTime(r.createdAt, i18n.language)}</dd>
      </dl>
      {r.body ? <p className="req-body">{r.body}</p> : null}
      <h3 className="req-h">{t('requests.stages')}</h3>
      <ol className="stages" aria-label={t('requests.stages')}>
        {stages.map((s) => {
          const current = r.status === 'open' && s.stage === r.currentStage && s.doneAt === null;
          const late = current && s.dueAt !== null && Date.parse(s.dueAt) <= now;
          return (
            <li
              key={s.id}
              className={`stage${s.doneAt ? ' stage-done' : ''}${current ? ' stage-current' : ''}${late ? ' stage-late' : ''}`}
              aria-current={current ? 'step' : undefined}
            >
              <span className="stage-name">{s.stage}</span>
              <span className="muted">
                {[
                  s.assigneeId ? people.name(s.assigneeId) : null,
                  s.dueAt
                    ? t('requests.dueAt', { time: formatDateTime(s.dueAt, i18n.language) })
                    : null,
                  s.doneAt
                    ? t('requests.doneAt', { time: formatDateTime(s.doneAt, i18n.language) })
                    : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
              {s.note ? <span className="stage-note">{s.note}</span> : null}
              {current ? (
                <Link
                  className="btn btn-small stage-plan"
                  to={planInStagePath({ stageId: s.id, subject: r.subject, clientId: r.clientId })}
                >
                  {t('planner.fromStage')}
                </Link>
              ) : null}
            </li>
          );
        })}
      </ol>
      {r.status === 'open' ? (
        <form className="form" onSubmit={submit}>
          <label className="field">
            <span>{t('requests.note')}</span>
            <textarea
              rows={2}
              value={note}
              aria-invalid={field === 'note'}
              onChange={(e) => setNote(e.target.value)}
            />
            {field === 'note' ? (
              <span className="notice notice-error">{errorText(t, advance.error)}</span>
            ) : null}
          </label>
          {!isLast ? (
            <label className="field">
              <span>{t('requests.nextAssignee')}</span>
              <select
                value={nextAssignee}
                aria-invalid={field === 'assigneeId'}
                onChange={(e) => setNextAssignee(e.target.value)}
              >
                <option value="">{t('requests.sameAssignee')}</option>
                {people.list.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.displayName}
                  </option>
                ))}
              </select>
              {field === 'assigneeId' ? (
                <span className="notice notice-error">{errorText(t, advance.error)}</span>
              ) : null}
            </label>
          ) : null}
          {advance.error && field !== 'note' && field !== 'assigneeId' ? (
            <p role="alert" className="notice notice-error">
              {errorText(t, advance.error)}
            </p>
          ) : null}
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={advance.isPending}>
              {isLast ? t('requests.finish') : t('requests.advance')}
            </button>
            <button
              type="button"
              className="btn"
              disabled={discuss.isPending}
              onClick={() => discuss.mutate()}
            >
              {t('requests.discuss')}
            </button>
          </div>
        </form>
      ) : null}
      {discuss.error ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, discuss.error)}
        </p>
      ) : null}
      {done !== null ? (
        <p role="status" className="notice notice-ok">
          {done}
        </p>
      ) : null}
    </section>
  );
}
