import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { errorField, errorText } from '@web/api/errors';
import { usePeople } from '@web/api/people';
import { PLANNED_KINDS, plannerApi } from '@web/api/planner';
import type { PlannedContact, PlannedKind } from '@web/api/planner';
import { Modal } from '@web/pages/planner/modal';
import { zonedToInstant } from '@web/pages/planner/zoned';

export interface FormSeed {
  day: string;
  time: string;
  assigneeId: string;
  kind?: PlannedKind;
  subject?: string;
  clientId?: string;
  followsPlannedId?: string;
  followsRequestStageId?: string;
  followsCallId?: string;
}

const DEFAULT_MINUTES: Record<PlannedKind, number | null> = {
  call: 15,
  meeting: 60,
  task: null,
  email: null,
};

/**
 * A new plan in one go from the keyboard: the subject has the focus, Enter saves, Esc closes.
 * Date and time are the server zone's.
 */
export function PlanForm({
  seed,
  zone,
  plansForOthers,
  onClose,
  onCreated,
}: {
  seed: FormSeed;
  zone: string;
  plansForOthers: boolean;
  onClose: () => void;
  onCreated: (plan: PlannedContact) => void;
}) {
  const { t } = useTranslation();
  const people = usePeople();
  const [kind, setKind] = useState<PlannedKind>(seed.kind ?? 'call');
  const [subject, setSubject] = useState(seed.subject ?? '');
  const [day, setDay] = useState(seed.day);
  const [time, setTime] = useState(seed.time);
  const [minutes, setMinutes] = useState<string>('');
  const [note, setNote] = useState('');
  const [assigneeId, setAssigneeId] = useState(seed.assigneeId);
  const [clientId, setClientId] = useState<string | undefined>(seed.clientId);
  const [clientQuery, setClientQuery] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const seededClient = useQuery({
    queryKey: ['planner', 'client', seed.clientId],
    queryFn: () => plannerApi.client(seed.clientId!),
    enabled: seed.clientId !== undefined,
  });
  const search = clientQuery.trim();
  const matches = useQuery({
    queryKey: ['planner', 'client-search', search],
    queryFn: () => plannerApi.searchClients(search),
    enabled: search.length >= 2,
  });
  const chosenName =
    clientId === undefined
      ? null
      : clientId === seed.clientId
        ? (seededClient.data?.name ?? '…')
        : (matches.data?.items.find((c) => c.id === clientId)?.name ?? '…');
  const hasDuration = DEFAULT_MINUTES[kind] !== null;
  const field = errorField(error);

  const submit = async () => {
    if (subject.trim() === '' || busy) return;
    setBusy(true);
    setError(null);
    try {
      const plan = await plannerApi.create({
        kind,
        subject: subject.trim(),
        startsAt: zonedToInstant(day, time, zone).toISOString(),
        ...(hasDuration && minutes !== '' ? { durationMinutes: Number(minutes) } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(clientId ? { clientId } : {}),
        ...(seed.followsPlannedId ? { followsPlannedId: seed.followsPlannedId } : {}),
        ...(seed.followsCallId ? { followsCallId: seed.followsCallId } : {}),
        ...(seed.followsRequestStageId
          ? { followsRequestStageId: seed.followsRequestStageId }
          : {}),
        assigneeId,
      });
      onCreated(plan);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal
      title={
        seed.followsRequestStageId
          ? t('planner.form.stageTitle')
          : seed.followsPlannedId
            ? t('planner.form.followUpTitle')
            : seed.followsCallId
              ? t('planner.form.callBackTitle')
              : t('planner.form.title')
      }
      onClose={onClose}
    >
      <form
        className="form planner-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div
          className="segmented planner-kinds"
          role="radiogroup"
          aria-label={t('planner.form.kind')}
        >
          {PLANNED_KINDS.map((k) => (
            <button
              key={k}
              type="button"
              role="radio"
              className="seg"
              aria-checked={kind === k}
              onClick={() => setKind(k)}
            >
              {t(`planner.kind.${k}`)}
            </button>
          ))}
        </div>
        <label className="field">
          <span>{t('planner.form.subject')}</span>
          <input
            data-autofocus
            required
            maxLength={200}
            value={subject}
            placeholder={t('planner.form.subjectPlaceholder')}
            aria-invalid={field === 'subject'}
            onChange={(e) => setSubject(e.target.value)}
          />
        </label>
        <div className="planner-when">
          <label className="field">
            <span>{t('planner.form.date')}</span>
            <input type="date" required value={day} onChange={(e) => setDay(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('planner.form.time')}</span>
            <input
              type="time"
              required
              step={300}
              value={time}
              onChange={(e) => setTime(e.target.value)}
            />
          </label>
          {hasDuration ? (
            <label className="field">
              <span>{t('planner.form.duration')}</span>
              <input
                type="number"
                min={1}
                max={10080}
                placeholder={String(DEFAULT_MINUTES[kind])}
                value={minutes}
                aria-invalid={field === 'durationMinutes'}
                onChange={(e) => setMinutes(e.target.value)}
              />
            </label>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="planner-client">
            <span>{t('planner.form.client')}</span>
          </label>
          {clientId !== undefined ? (
            <div className="planner-chosen">
              <strong>{chosenName}</strong>
              <button
                type="button"
                className="btn btn-small btn-quiet"
                onClick={() => setClientId(undefined)}
              >
                {t('planner.form.clientNone')}
              </button>
            </div>
          ) : (
            <>
              <input
                id="planner-client"
                value={clientQuery}
                placeholder={t('planner.form.clientPlaceholder')}
                autoComplete="off"
                onChange={(e) => setClientQuery(e.target.value)}
              />
              {search.length >= 2 && (matches.data?.items.length ?? 0) > 0 ? (
                <ul className="plain-list planner-matches" aria-label={t('planner.form.client')}>
                  {matches.data!.items.map((c) => (
                    <li key={c.id}>
                      <button
                        type="button"
                        className="planner-match"
                        onClick={() => setClientId(c.id)}
                      >
                        {c.name}
                        {c.phones[0] ? <span className="muted mono"> {c.phones[0]}</span> : null}
                      </button>
                    </li>
                  ))}
                </ul>
              ) : null}
            </>
          )}
        </div>
        {plansForOthers ? (
          <label className="field">
            <span>{t('planner.form.assignee')}</span>
            <select value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
              {people.list.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.displayName}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="field">
          <span>{t('planner.form.note')}</span>
          <textarea
            rows={2}
            value={note}
            maxLength={10000}
            onChange={(e) => setNote(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
            }}
          />
        </label>
        {error ? (
          <p role="alert" className="notice notice-error">
            {errorText(t, error)}
          </p>
        ) : null}
        <div className="actions">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy || subject.trim() === ''}
          >
            {t('planner.form.save')}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <span className="muted planner-form-hint">{t('planner.form.hint')}</span>
        </div>
      </form>
    </Modal>
  );
}
