import { useTranslation } from 'react-i18next';
import type { Presence } from '@web/api/types';
import { formatDuration, secondsSince, useNow } from '@web/components/time';
import { lampOf } from '@web/pages/console/work-status';

/** FOP2-style presence lamps: colour and words for status and state, and time in state. */
export function StaffPanel({ staff }: { staff: Presence[] }) {
  const { t } = useTranslation();
  const now = useNow();
  const order = ['offered', 'busy', 'wrap_up', 'idle', 'break', 'offline'];
  const sorted = [...staff].sort(
    (a, b) =>
      order.indexOf(lampOf(a)) - order.indexOf(lampOf(b)) ||
      a.displayName.localeCompare(b.displayName),
  );
  const online = staff.filter((s) => s.status !== 'offline').length;
  return (
    <section className="card" aria-labelledby="staff-title">
      <header className="card-head">
        <h2 id="staff-title">{t('board.staff')}</h2>
        <span className="muted">{t('board.staffOnline', { online, total: staff.length })}</span>
      </header>
      {staff.length === 0 ? (
        <p className="muted">{t('board.noStaff')}</p>
      ) : (
        <ul className="lamps" aria-label={t('board.staff')}>
          {sorted.map((p) => {
            const lamp = lampOf(p);
            const label =
              p.status === 'available' ? t(`state.${p.state}`) : t(`status.${p.status}`);
            return (
              <li key={p.userId} className={`lamp-card lamp-card-${lamp}`}>
                <span className={`lamp lamp-${lamp}`} aria-hidden="true" />
                <span className="lamp-name">{p.displayName}</span>
                <span className="lamp-state">
                  {label}
                  {p.status === 'break' && p.breakReason ? ` · ${p.breakReason}` : ''}
                </span>
                <span className="mono lamp-time">
                  {formatDuration(secondsSince(p.stateSince, now))}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
