import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { plannerApi } from '@web/api/planner';
import type { Reason } from '@web/api/planner';

/** The admin's list of reasons plus free text; either (or both) is a reason. */
export function ReasonFields({
  value,
  onChange,
  invalid,
}: {
  value: Reason;
  onChange: (next: Reason) => void;
  invalid: boolean;
}) {
  const { t } = useTranslation();
  const reasons = useQuery({
    queryKey: ['planner', 'reasons'],
    queryFn: plannerApi.reasons,
    staleTime: 300_000,
  });
  return (
    <>
      <label className="field">
        <span>{t('planner.act.reason')}</span>
        <select
          value={value.reasonId ?? ''}
          aria-invalid={invalid}
          onChange={(e) => onChange({ ...value, reasonId: e.target.value || undefined })}
        >
          <option value="">{t('planner.act.reasonPick')}</option>
          {(reasons.data ?? [])
            .filter((r) => r.active)
            .map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
        </select>
      </label>
      <label className="field">
        <span>{t('planner.act.reasonText')}</span>
        <input
          value={value.reasonText ?? ''}
          aria-invalid={invalid}
          maxLength={1000}
          onChange={(e) => onChange({ ...value, reasonText: e.target.value || undefined })}
        />
      </label>
      {invalid ? (
        <p role="alert" className="notice notice-error">
          {t('planner.act.reasonNeeded')}
        </p>
      ) : null}
    </>
  );
}

export function hasReason(r: Reason): boolean {
  return r.reasonId !== undefined || (r.reasonText?.trim().length ?? 0) > 0;
}
