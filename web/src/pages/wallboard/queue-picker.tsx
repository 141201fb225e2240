import { useTranslation } from 'react-i18next';

interface QueuePickerProps {
  /** Every queue the live figures carry: code and display name. */
  queues: ReadonlyArray<{ code: string; name: string }>;
  /** Codes shown, lower-cased; `null` shows every queue. */
  chosen: ReadonlySet<string> | null;
  onChange: (next: ReadonlySet<string> | null) => void;
}

/**
 * Which queues this screen shows. A wall screen usually watches a few queues, not all of them; the
 * choice lives in the address (`?queues=sales,support`), so a TV's bookmark keeps it.
 */
export function QueuePicker({ queues, chosen, onChange }: QueuePickerProps) {
  const { t } = useTranslation();
  const toggle = (code: string) => {
    const next = new Set(chosen ?? queues.map((q) => q.code.toLowerCase()));
    if (next.has(code)) next.delete(code);
    else next.add(code);
    onChange(next.size === queues.length ? null : next);
  };
  return (
    <details className="wb-pick">
      <summary className="btn btn-small">
        {chosen === null
          ? t('wallboard.pickAll')
          : t('wallboard.pickSome', { count: chosen.size, total: queues.length })}
      </summary>
      <fieldset>
        <legend>{t('wallboard.pickLegend')}</legend>
        <button type="button" className="btn btn-small" onClick={() => onChange(null)}>
          {t('wallboard.pickEvery')}
        </button>
        {queues.map((q) => {
          const code = q.code.toLowerCase();
          return (
            <label key={code} className="wb-pick-item">
              <input
                type="checkbox"
                checked={chosen === null || chosen.has(code)}
                onChange={() => toggle(code)}
              />
              {q.name}
            </label>
          );
        })}
      </fieldset>
    </details>
  );
}

/** `?queues=a,b` → the set of lower-cased codes, or `null` for every queue. */
export function parseChosenQueues(value: string | null): ReadonlySet<string> | null {
  const codes = (value ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c.length > 0);
  return codes.length === 0 ? null : new Set(codes);
}
