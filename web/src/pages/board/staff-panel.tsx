import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Presence } from '@web/api/types';
import { TickingDuration } from '@web/components/ticking-duration';
import { lampOf } from '@web/pages/console/work-status';

const ORDER = ['offered', 'busy', 'wrap_up', 'idle', 'break', 'offline'];

/** FOP2-style presence lamps: colour and words for status and state, and time in state. */
export function StaffPanel({ staff }: { staff: Presence[] }) {
  const { t } = useTranslation();
  const sorted = useMemo(
    () =>
      staff
        .map((p) => ({ p, rank: ORDER.indexOf(lampOf(p)) }))
        .sort((a, b) => a.rank - b.rank || a.p.displayName.localeCompare(b.p.displayName))
        .map(({ p }) => p),
    [staff],
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
          {sorted.map((p) => (
            <Lamp key={p.userId} p={p} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** One person's lamp: rendered again when their presence changes; its time ticks without React. */
const Lamp = memo(function Lamp({ p }: { p: Presence }) {
  const { t } = useTranslation();
  const lamp = lampOf(p);
  const label = p.status === 'available' ? t(`state.${p.state}`) : t(`status.${p.status}`);
  return (
    <li className={`lamp-card lamp-card-${lamp}`}>
      <span className={`lamp lamp-${lamp}`} aria-hidden="true" />
      <span className="lamp-name">{p.displayName}</span>
      <span className="lamp-state">
        {label}
        {p.status === 'break' && p.breakReason ? ` · ${p.breakReason}` : ''}
      </span>
      <TickingDuration since={p.stateSince} className="mono lamp-time" />
    </li>
  );
});
