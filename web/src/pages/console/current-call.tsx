import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '@web/api/endpoints';
import { planCallBackPath } from '@web/api/planner';
import { errorText } from '@web/api/errors';
import type { Call, Presence, Queue } from '@web/api/types';
import { DossierView } from '@web/components/dossier-view';
import { formatDuration, secondsSince, useNow } from '@web/components/time';

/** The call I am on: who it is, notes, end, transfer, hold for callback, a request from it. */
export function CurrentCall({
  call,
  queues,
  canPickPerson,
  staff,
}: {
  call: Call;
  queues: Queue[];
  /** Receptionists and supervisors see the staff list; agents transfer to a queue. */
  canPickPerson: boolean;
  staff: Presence[];
}) {
  const { t } = useTranslation();
  const now = useNow();
  const queryClient = useQueryClient();
  const [notes, setNotes] = useState('');
  const [subject, setSubject] = useState('');
  const [target, setTarget] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['my-status'] });
    void queryClient.invalidateQueries({ queryKey: ['call', call.id] });
  };
  const end = useMutation({ mutationFn: () => api.endCall(call.id), onSuccess: refresh });
  const transfer = useMutation({
    mutationFn: (to: string) =>
      api.transferCall(
        call.id,
        to.startsWith('user:') ? { toUserId: to.slice(5) } : { toQueue: to.slice(6) },
      ),
    onSuccess: refresh,
  });
  const callback = useMutation({
    mutationFn: () => api.holdForCallback(call.id, notes.trim() || undefined),
    onSuccess: refresh,
  });
  const createRequest = useMutation({
    mutationFn: () =>
      api.createRequest({
        channel: 'phone',
        subject: subject.trim(),
        body: notes.trim() || undefined,
        clientId: call.clientId ?? undefined,
        queue: call.queueCode ?? undefined,
        callId: call.id,
      }),
    onSuccess: (r) => {
      setSubject('');
      setDone(t('call.requestCreated', { number: r.number }));
    },
  });
  const failure = end.error ?? transfer.error ?? callback.error ?? createRequest.error;
  const busy = end.isPending || transfer.isPending || callback.isPending;

  function submitRequest(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    createRequest.mutate();
  }

  const people = staff.filter((p) => p.status === 'available' && p.state === 'idle');
  return (
    <section className="card" aria-labelledby="current-call-title">
      <header className="card-head">
        <h2 id="current-call-title">{t('call.current')}</h2>
        <span className="mono muted">
          {t('call.talking', {
            time: formatDuration(secondsSince(call.answeredAt ?? call.arrivedAt, now)),
          })}
        </span>
      </header>
      <p className="caller mono">{call.fromNumber ?? t('offer.hiddenNumber')}</p>
      <p className="muted">
        {t('offer.queue')}:{' '}
        {queues.find((q) => q.code === call.queueCode)?.name ?? call.queueCode ?? t('dossier.none')}
        {call.topic ? ` · ${call.topic}` : ''}
      </p>
      <DossierView dossier={call.dossier ?? null} />
      <label className="field">
        <span>{t('call.notes')}</span>
        <textarea rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </label>
      {failure ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, failure)}
        </p>
      ) : null}
      {done !== null ? (
        <p role="status" className="notice notice-ok">
          {done}
        </p>
      ) : null}
      <div className="actions">
        <button
          type="button"
          className="btn btn-decline"
          disabled={busy}
          onClick={() => end.mutate()}
        >
          {t('call.end')}
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => callback.mutate()}>
          {t('call.holdForCallback')}
        </button>
        <Link
          className="btn"
          to={planCallBackPath({
            callId: call.id,
            subject: t('planner.callBackSubject', {
              caller: call.dossier?.client?.name ?? call.fromNumber ?? t('offer.hiddenNumber'),
            }),
            clientId: call.clientId,
          })}
        >
          {t('planner.fromCall')}
        </Link>
      </div>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (target) transfer.mutate(target);
        }}
      >
        <label className="field">
          <span>{t('call.transferTo')}</span>
          <select value={target} onChange={(e) => setTarget(e.target.value)} required>
            <option value="">{t('call.chooseTarget')}</option>
            <optgroup label={t('call.queues')}>
              {queues.map((q) => (
                <option key={q.id} value={`queue:${q.code}`}>
                  {q.name}
                </option>
              ))}
            </optgroup>
            {canPickPerson ? (
              <optgroup label={t('call.people')}>
                {people.map((p) => (
                  <option key={p.userId} value={`user:${p.userId}`}>
                    {p.displayName}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </label>
        <button type="submit" className="btn" disabled={busy || !target}>
          {t('call.transfer')}
        </button>
      </form>
      <form className="inline-form" onSubmit={submitRequest}>
        <label className="field grow">
          <span>{t('call.requestSubject')}</span>
          <input
            value={subject}
            maxLength={200}
            onChange={(e) => setSubject(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="btn" disabled={createRequest.isPending || !subject.trim()}>
          {t('call.createRequest')}
        </button>
      </form>
    </section>
  );
}

export function useCall(id: string | null) {
  return useQuery({
    queryKey: ['call', id],
    queryFn: () => api.call(id!),
    enabled: id !== null,
  });
}
