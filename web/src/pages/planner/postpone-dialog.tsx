import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '@web/api/errors';
import { plannerApi } from '@web/api/planner';
import type { PlannedContact, Reason } from '@web/api/planner';
import { Modal } from '@web/pages/planner/modal';
import { hasReason, ReasonFields } from '@web/pages/planner/reason-fields';
import { zonedToInstant } from '@web/pages/planner/zoned';

/** Rescheduling (by the button or by a drag on the calendar): a new time and a reason. */
export function PostponeDialog({
  plan,
  day: initialDay,
  time: initialTime,
  zone,
  dragged,
  onClose,
  onMoved,
}: {
  plan: PlannedContact;
  day: string;
  time: string;
  zone: string;
  /** Moved by a drag on the calendar (rather than by the button). */
  dragged: boolean;
  onClose: () => void;
  onMoved: () => void;
}) {
  const { t } = useTranslation();
  const [day, setDay] = useState(initialDay);
  const [time, setTime] = useState(initialTime);
  const [reason, setReason] = useState<Reason>({});
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    setTried(true);
    if (!hasReason(reason)) return;
    setBusy(true);
    setError(null);
    try {
      await plannerApi.postpone(plan.id, {
        ...reason,
        startsAt: zonedToInstant(day, time, zone).toISOString(),
      });
      onMoved();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal title={`${t('planner.act.reschedule')}: ${plan.subject}`} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="muted">{dragged ? t('planner.act.dropHint') : t('planner.act.moveHint')}</p>
        <fieldset className="row planner-fieldset">
          <legend className="visually-hidden">{t('planner.act.newTime')}</legend>
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
        </fieldset>
        <ReasonFields value={reason} onChange={setReason} invalid={tried && !hasReason(reason)} />
        {error ? (
          <p role="alert" className="notice notice-error">
            {errorText(t, error)}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {t('planner.act.reschedule')}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
