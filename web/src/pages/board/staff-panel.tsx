import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Presence } from '@web/api/types';
import { TickingDuration } from '@web/components/ticking-duration';
import { VirtualList, type RowProps } from '@web/components/virtual-list';
import { lampOf } from '@web/pages/console/work-status';

const ORDER = ['offered', 'busy', 'wrap_up', 'idle', 'break', 'offline'];
/** The lamps' grid (styles.css `.lamps`, `.lamp-card`): fixed-height cards, as many columns as fit. */
const LAMP_PX = 72;
const LAMP_MIN_WIDTH_PX = 150;
const LAMP_GAP_PX = 8;

const userId = (p: Presence) => p.userId;

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
        <VirtualList
          items={sorted}
          keyOf={userId}
          rowHeight={LAMP_PX}
          minItemWidth={LAMP_MIN_WIDTH_PX}
          gap={LAMP_GAP_PX}
          label={t('board.staff')}
          className="lamps"
          paneClassName="lamps-pane"
        >
          {(p, row) => <Lamp {...row} p={p} />}
        </VirtualList>
      )}
    </section>
  );
}

/** One person's lamp: rendered again when their presence changes; its time ticks without React. */
const Lamp = memo(function Lamp({ p, ...row }: RowProps & { p: Presence }) {
  const { t } = useTranslation();
  const lamp = lampOf(p);
  const label = p.status === 'available' ? t(`state.${p.state}`) : t(`status.${p.status}`);
  return (
    <li className={`lamp-card lamp-card-${lamp}`} {...row}>
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
