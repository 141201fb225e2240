import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoardCall } from '@web/api/console-store';
import type { Presence } from '@web/api/types';
import { TickingDuration } from '@web/components/ticking-duration';
import { lampOf } from '@web/pages/console/work-status';
import { percent } from '@web/pages/wallboard/format';
import type { PersonToday } from '@web/pages/wallboard/use-staff-today';

const COLUMNS = ['name', 'status', 'time', 'answered', 'occupancy', 'call'] as const;
type Column = (typeof COLUMNS)[number];
const LAMP_ORDER = ['offered', 'busy', 'wrap_up', 'idle', 'break', 'offline'];
/** Every row is this tall (wallboard.css fixes it), so the virtualiser never measures. */
const ROW_PX = 33;

interface Row {
  p: Presence;
  lamp: string;
  answered: number;
  occupancy: number | null;
  call: string;
}

/**
 * Every active person: status and state, time in state, today's work, the call they are on.
 * Built for hundreds of people changing dozens of times a second: only the rows in the scrolling
 * box (and a few either side) are in the DOM, each memoised (a change re-renders that person's
 * row), the order is a stable sort of the name-ordered list, and the time cells tick in the
 * shared ticker without React. Still a table to assistive technology: aria-rowcount says how
 * many rows there are, aria-rowindex where each rendered one sits; the box scrolls by keyboard.
 */
export function StaffTable({
  staff,
  today,
  calls,
  nameOf,
}: {
  /** Ordered by name. */
  staff: Presence[];
  today: Map<string, PersonToday>;
  calls: BoardCall[];
  nameOf: (code: string | null) => string | null;
}) {
  const { t } = useTranslation();
  const [sort, setSort] = useState<{ by: Column; desc: boolean }>({ by: 'status', desc: false });
  const callsById = useMemo(() => new Map(calls.map((c) => [c.id, c])), [calls]);

  const rows = useMemo(() => {
    const hidden = t('wallboard.hiddenNumber');
    const onACall = t('wallboard.onACall');
    const out: Row[] = staff.map((p) => {
      const mine = today.get(p.userId);
      const call = p.currentCallId ? callsById.get(p.currentCallId) : undefined;
      return {
        p,
        lamp: lampOf(p),
        answered: mine?.answered ?? 0,
        occupancy: mine?.occupancy ?? null,
        call:
          p.currentCallId === null
            ? ''
            : call
              ? `${call.from ?? hidden} · ${nameOf(call.queue) ?? ''}`
              : onACall,
      };
    });
    // Longer in state = earlier start: the time column sorts without the clock.
    const value = (r: Row): string | number => {
      switch (sort.by) {
        case 'name':
          return 0;
        case 'status':
          return LAMP_ORDER.indexOf(r.lamp);
        case 'time':
          return -Date.parse(r.p.stateSince);
        case 'answered':
          return r.answered;
        case 'occupancy':
          return r.occupancy ?? -1;
        case 'call':
          return r.call;
      }
    };
    const keyed = out.map((r) => ({ r, v: value(r) }));
    // Stable: equal values keep the name order they came in.
    keyed.sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
    const sorted = keyed.map((k) => k.r);
    return sort.desc ? sorted.reverse() : sorted;
  }, [staff, today, callsById, nameOf, sort, t]);

  const box = useRef<HTMLDivElement>(null);
  // No compiler memoisation here: the virtualiser's instance changes under it on every scroll.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => box.current,
    estimateSize: () => ROW_PX,
    getItemKey: (i) => rows[i].p.userId,
    overscan: 8,
  });
  const items = virtual.getVirtualItems();
  const before = items.length ? items[0].start : 0;
  const after = items.length ? virtual.getTotalSize() - items[items.length - 1].end : 0;

  const header = (column: Column, label: string) => (
    <th
      scope="col"
      aria-sort={sort.by === column ? (sort.desc ? 'descending' : 'ascending') : 'none'}
    >
      <button
        type="button"
        className="th-sort"
        onClick={() =>
          setSort((s) => ({ by: column, desc: s.by === column ? !s.desc : column !== 'name' }))
        }
      >
        {label}
        <span aria-hidden="true">{sort.by === column ? (sort.desc ? ' ▾' : ' ▴') : ''}</span>
      </button>
    </th>
  );

  return (
    <section className="card staff-board" aria-labelledby="wb-staff-title">
      <header className="card-head">
        <h2 id="wb-staff-title">{t('wallboard.staff')}</h2>
        <span className="muted">{t('wallboard.occupancyNote')}</span>
      </header>
      <div className="table-wrap" ref={box} tabIndex={0}>
        <table
          className="data-table"
          aria-labelledby="wb-staff-title"
          aria-rowcount={rows.length + 1}
        >
          <colgroup>
            {COLUMNS.map((c) => (
              <col key={c} className={`c-${c}`} />
            ))}
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              {header('name', t('wallboard.col.name'))}
              {header('status', t('wallboard.col.status'))}
              {header('time', t('wallboard.col.time'))}
              {header('answered', t('wallboard.col.answered'))}
              {header('occupancy', t('wallboard.col.occupancy'))}
              {header('call', t('wallboard.col.call'))}
            </tr>
          </thead>
          <tbody>
            {before > 0 ? (
              <tr className="spacer" aria-hidden="true">
                <td colSpan={COLUMNS.length} style={{ height: before }} />
              </tr>
            ) : null}
            {items.map((item) => {
              const r = rows[item.index];
              return (
                <StaffRow
                  key={r.p.userId}
                  index={item.index + 2}
                  p={r.p}
                  lamp={r.lamp}
                  answered={r.answered}
                  occupancy={r.occupancy}
                  call={r.call}
                />
              );
            })}
            {after > 0 ? (
              <tr className="spacer" aria-hidden="true">
                <td colSpan={COLUMNS.length} style={{ height: after }} />
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const StaffRow = memo(function StaffRow({
  index,
  p,
  lamp,
  answered,
  occupancy,
  call,
}: Row & { index: number }) {
  const { t } = useTranslation();
  return (
    <tr aria-rowindex={index}>
      <th scope="row">{p.displayName}</th>
      <td>
        <span className={`lamp lamp-${lamp}`} aria-hidden="true" />{' '}
        {p.status === 'available' ? t(`state.${p.state}`) : t(`status.${p.status}`)}
        {p.status === 'break' && p.breakReason ? ` · ${p.breakReason}` : ''}
      </td>
      <td className="mono num">
        <TickingDuration since={p.stateSince} />
      </td>
      <td className="num">{answered}</td>
      <td className="num">{percent(occupancy)}</td>
      <td>{call}</td>
    </tr>
  );
});
