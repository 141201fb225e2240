import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText } from '@web/api/errors';
import { usePeople } from '@web/api/people';
import { plannerApi } from '@web/api/planner';
import type { ChainItem, PlannedContact, Reason } from '@web/api/planner';
import { hasReason, ReasonFields } from '@web/pages/planner/reason-fields';

type Mode = null | 'done' | 'fail' | 'cancel';

/** One plan: when, with whom, its history, what can be done with it, and the client's chain. */
export function PlanDetail({
  id,
  zone,
  callNow,
  onClose,
  onFollowUp,
  onReschedule,
}: {
  id: string;
  zone: string;
  callNow: boolean;
  onClose: () => void;
  onFollowUp: (plan: PlannedContact) => void;
  onReschedule: (plan: PlannedContact) => void;
}) {
  const { t, i18n } = useTranslation();
  const people = usePeople();
  const queryClient = useQueryClient();
  const detail = useQuery({ queryKey: ['planner', 'plan', id], queryFn: () => plannerApi.get(id) });
  const plan = detail.data;
  const client = useQuery({
    queryKey: ['planner', 'client', plan?.clientId],
    queryFn: () => plannerApi.client(plan!.clientId!),
    enabled: !!plan?.clientId,
  });
  const contact = useQuery({
    queryKey: ['planner', 'contact', plan?.contactId],
    queryFn: () => plannerApi.contact(plan!.contactId!),
    enabled: !!plan?.contactId,
  });
  // The number "call now" dials: the contact's, the client's, or the client's first contact's.
  const clientContacts = useQuery({
    queryKey: ['planner', 'client-contacts', plan?.clientId],
    queryFn: () => plannerApi.clientContacts(plan!.clientId!),
    enabled: !!plan?.clientId && !plan.contactId,
  });
  const [mode, setMode] = useState<Mode>(null);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState<Reason>({});
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const when = (iso: string) =>
    new Intl.DateTimeFormat(i18n.language, {
      timeZone: zone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(iso));

  if (detail.error) {
    return (
      <section className="card">
        <p role="alert" className="notice notice-error">
          {errorText(t, detail.error)}
        </p>
      </section>
    );
  }
  if (!plan) {
    return (
      <section className="card">
        <p className="muted">{t('common.loading')}</p>
      </section>
    );
  }
  const open = plan.status === 'planned' || plan.status === 'postponed';
  const number =
    contact.data?.phones[0] ??
    client.data?.phones[0] ??
    clientContacts.data?.items.find((c) => c.phones.length > 0)?.phones[0] ??
    null;

  const run = async (action: () => Promise<unknown>, ok: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await action();
      setMessage({ ok: true, text: ok });
      setMode(null);
      setNote('');
      setReason({});
      setTried(false);
      await queryClient.invalidateQueries({ queryKey: ['planner'] });
    } catch (err) {
      setMessage({ ok: false, text: errorText(t, err) });
    } finally {
      setBusy(false);
    }
  };
  const call = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const dialled = await plannerApi.callNow(plan.id);
      setMessage({ ok: true, text: t('planner.act.calling', dialled) });
    } catch (err) {
      setMessage({ ok: false, text: errorText(t, err) });
    } finally {
      setBusy(false);
    }
  };
  const confirm = () => {
    if (mode === 'done') {
      void run(
        () => plannerApi.done(plan.id, note.trim() ? { note: note.trim() } : {}),
        t('planner.act.markedDone', { subject: plan.subject }),
      );
      return;
    }
    setTried(true);
    if (mode === 'fail') {
      if (!hasReason(reason)) return;
      void run(
        () => plannerApi.fail(plan.id, { ...reason, ...(note.trim() ? { note } : {}) }),
        t('planner.act.markedFailed'),
      );
    } else if (mode === 'cancel') {
      void run(() => plannerApi.cancel(plan.id, reason), t('planner.act.cancelled'));
    }
  };

  return (
    <section
      className={`card planner-detail${plan.overdue ? ' is-overdue' : ''}`}
      aria-labelledby="planner-detail-title"
    >
      <header className="card-head">
        <h3 id="planner-detail-title">
          <span className={`planner-kind planner-kind-${plan.kind}`} aria-hidden="true" />
          {plan.subject}
        </h3>
        <button type="button" className="btn btn-small btn-quiet" onClick={onClose}>
          {t('planner.detail.close')}
        </button>
      </header>
      <p className="planner-tags">
        <span className="tag">{t(`planner.kind.${plan.kind}`)}</span>{' '}
        <span className={`tag planner-tag-${plan.status}`}>
          {t(`planner.status.${plan.status}`)}
        </span>{' '}
        {plan.overdue ? <span className="tag tag-missed">{t('planner.overdueTag')}</span> : null}
      </p>
      <dl className="facts">
        <dt>{t('planner.detail.when')}</dt>
        <dd>
          {when(plan.startsAt)}
          {plan.durationMinutes
            ? ` · ${t('planner.detail.minutes', { count: plan.durationMinutes })}`
            : ''}
        </dd>
        {plan.clientId ? (
          <>
            <dt>{t('planner.detail.client')}</dt>
            <dd>
              {client.data?.name ?? '…'}
              {number ? <span className="mono"> {number}</span> : null}
            </dd>
          </>
        ) : null}
        {plan.contactId ? (
          <>
            <dt>{t('planner.detail.contact')}</dt>
            <dd>{contact.data?.name ?? '…'}</dd>
          </>
        ) : null}
        <dt>{t('planner.detail.assignee')}</dt>
        <dd>{people.name(plan.assigneeId)}</dd>
        <dt>{t('planner.detail.origin')}</dt>
        <dd>{t(`planner.origin.${plan.origin}`, { defaultValue: plan.origin })}</dd>
        {plan.postponeCount > 0 ? (
          <>
            <dt>{t('planner.detail.lastReason')}</dt>
            <dd>
              {t('planner.detail.postponed', { count: plan.postponeCount })}
              {plan.reasonText ? ` · ${plan.reasonText}` : ''}
            </dd>
          </>
        ) : null}
      </dl>
      {plan.note ? <p className="planner-note">{plan.note}</p> : null}
      {message && message.text ? (
        <p
          role={message.ok ? 'status' : 'alert'}
          className={`notice ${message.ok ? 'notice-ok' : 'notice-error'}`}
        >
          {message.text}
        </p>
      ) : null}
      {open && plan.kind === 'call' && !callNow ? (
        <p className="notice notice-warn">
          {number ? t('planner.act.noPbx', { number }) : t('planner.act.noPbxNoNumber')}
        </p>
      ) : null}
      {open && mode === null ? (
        <div className="actions planner-actions">
          {plan.kind === 'call' && callNow ? (
            <button
              type="button"
              className="btn btn-accept"
              disabled={busy}
              onClick={() => void call()}
            >
              {t('planner.act.callNow')}
            </button>
          ) : null}
          <button type="button" className="btn btn-primary" onClick={() => setMode('done')}>
            {t('planner.act.done')}
          </button>
          <button type="button" className="btn" onClick={() => onReschedule(plan)}>
            {t('planner.act.reschedule')}
          </button>
          <button type="button" className="btn" onClick={() => setMode('fail')}>
            {t('planner.act.fail')}
          </button>
          <button type="button" className="btn btn-quiet" onClick={() => setMode('cancel')}>
            {t('planner.act.cancel')}
          </button>
        </div>
      ) : null}
      {open && mode !== null ? (
        <form
          className="form planner-outcome"
          onSubmit={(e) => {
            e.preventDefault();
            confirm();
          }}
        >
          {mode === 'done' || mode === 'fail' ? (
            <label className="field">
              <span>{t('planner.act.doneNote')}</span>
              <textarea
                autoFocus
                rows={2}
                value={note}
                maxLength={10000}
                onChange={(e) => setNote(e.target.value)}
              />
            </label>
          ) : null}
          {mode !== 'done' ? (
            <ReasonFields
              value={reason}
              onChange={setReason}
              invalid={mode === 'fail' && tried && !hasReason(reason)}
            />
          ) : null}
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {mode === 'done'
                ? t('planner.act.markDone')
                : mode === 'fail'
                  ? t('planner.act.fail')
                  : t('planner.act.cancel')}
            </button>
            <button type="button" className="btn" onClick={() => setMode(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : null}
      <div className="actions">
        <button type="button" className="btn btn-small" onClick={() => onFollowUp(plan)}>
          {t('planner.act.followUp')}
        </button>
      </div>
      <h4 className="planner-h">{t('planner.detail.history')}</h4>
      <ol className="plain-list planner-history" aria-label={t('planner.detail.history')}>
        {plan.history.map((h, i) => (
          <li key={i}>
            <span className="muted">{when(h.at)}</span>{' '}
            {t(`planner.action.${h.action}`, {
              defaultValue: h.action,
              from: h.fromStartsAt ? when(h.fromStartsAt) : '',
              to: h.toStartsAt ? when(h.toStartsAt) : '',
            })}
            {h.actorId ? <span className="muted"> · {people.name(h.actorId)}</span> : null}
            {h.reason || h.reasonText ? (
              <div className="planner-reason">
                {[h.reason, h.reasonText].filter(Boolean).join(' — ')}
              </div>
            ) : null}
            {h.note ? <div className="planner-reason">{h.note}</div> : null}
          </li>
        ))}
      </ol>
      {plan.clientId ? <Chain clientId={plan.clientId} current={plan.id} zone={zone} /> : null}
    </section>
  );
}

/** The client's calls, requests and plans, oldest first, each with what it follows from. */
function Chain({ clientId, current, zone }: { clientId: string; current: string; zone: string }) {
  const { t, i18n } = useTranslation();
  const people = usePeople();
  const chain = useQuery({
    queryKey: ['planner', 'chain', clientId],
    queryFn: () => plannerApi.chain(clientId),
  });
  const items = chain.data?.items ?? [];
  const date = new Intl.DateTimeFormat(i18n.language, {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const status = (item: ChainItem) => {
    if (item.type === 'planned') return t(`planner.status.${item.status}`);
    if (item.type === 'request') return t(`requests.status.${item.status}`, item.status);
    const calledBack = item.status.endsWith(' (called back)');
    const base = item.status.replace(' (called back)', '');
    return `${t(`callStatus.${base}`, base)}${calledBack ? ` · ${t('planner.chain.calledBack')}` : ''}`;
  };
  return (
    <>
      <h4 className="planner-h">{t('planner.chain.title')}</h4>
      {chain.error ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, chain.error)}
        </p>
      ) : items.length === 0 ? (
        <p className="muted">{t('planner.chain.empty')}</p>
      ) : (
        <ol className="plain-list planner-chain" aria-label={t('planner.chain.title')}>
          {items.map((item) => (
            <li
              key={`${item.type}-${item.id}`}
              className={`planner-chain-${item.type}${item.id === current ? ' is-current' : ''}${item.follows ? ' is-follow' : ''}`}
            >
              <span className="planner-chain-type">{t(`planner.chain.type.${item.type}`)}</span>
              <span className="planner-chain-title">{item.title}</span>
              <span className="muted planner-chain-meta">
                {date.format(new Date(item.at))} · {status(item)}
                {item.personId ? ` · ${people.name(item.personId)}` : ''}
                {item.id === current ? ` · ${t('planner.chain.current')}` : ''}
              </span>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
