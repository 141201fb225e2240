import { memo, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoardCall } from '@web/api/console-store';
import type { Presence } from '@web/api/types';
import { formatDuration, useNow } from '@web/components/time';
import { lampOf } from '@web/pages/console/work-status';
import { percent } from '@web/pages/wallboard/format';
import type { PersonToday } from '@web/pages/wallboard/use-staff-today';

const COLUMNS = ['name', 'status', 'time', 'answered', 'occupancy', 'call'] as const;
type Column = (typeof COLUMNS)[number];
const LAMP_ORDER = ['offered', 'busy', 'wrap_up', 'idle', 'break', 'offline'];

interface Row {
  p: Presence;
  lamp: string;
  answered: number;
  occupancy: number | null;
  call: string;
}

/**
 * Every active person: status and state, time in state, today's work, the call they are on.
 * Built for hundreds of people changing dozens of times a second: rows are memoised (a change
 * re-renders that person's row), the order is a stable sort of the name-ordered list, and only
 * the time cells follow the clock.
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

  // Sorted by status, each status is a body of its own: a person whose status changes leaves
  // one and joins another. In one body React would move every row between their old and new
  // place (its keyed diff moves rows, not the one that jumped back), dozens of DOM moves and a
  // relayout per change.
  const groups = useMemo(() => {
    if (sort.by !== 'status') return [{ key: 'all', rows }];
    const out: { key: string; rows: Row[] }[] = [];
    for (const r of rows) {
      if (out.at(-1)?.key !== r.lamp) out.push({ key: r.lamp, rows: [] });
      out.at(-1)!.rows.push(r);
    }
    return out;
  }, [rows, sort.by]);

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
      <div className="table-wrap">
        <table className="data-table" aria-labelledby="wb-staff-title">
          <colgroup>
            {COLUMNS.map((c) => (
              <col key={c} className={`c-${c}`} />
            ))}
          </colgroup>
          <thead>
            <tr>
              {header('name', t('wallboard.col.name'))}
              {header('status', t('wallboard.col.status'))}
              {header('time', t('wallboard.col.time'))}
              {header('answered', t('wallboard.col.answered'))}
              {header('occupancy', t('wallboard.col.occupancy'))}
              {header('call', t('wallboard.col.call'))}
            </tr>
          </thead>
          {groups.map((group) => (
            <tbody key={group.key}>
              {group.rows.map((r) => (
                <StaffRow
                  key={r.p.userId}
                  p={r.p}
                  lamp={r.lamp}
                  answered={r.answered}
                  occupancy={r.occupancy}
                  call={r.call}
                />
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </section>
  );
}

const StaffRow = memo(function StaffRow({ p, lamp, answered, occupancy, call }: Row) {
  const { t } = useTranslation();
  return (
    <tr>
      <th scope="row">{p.displayName}</th>
      <td>
        <span className={`lamp lamp-${lamp}`} aria-hidden="true" />{' '}
        {p.status === 'available' ? t(`state.${p.state}`) : t(`status.${p.status}`)}
        {p.status === 'break' && p.breakReason ? ` · ${p.breakReason}` : ''}
      </td>
      <td className="mono num">
        <TimeInState since={p.stateSince} />
      </td>
      <td className="num">{answered}</td>
      <td className="num">{percent(occupancy)}</td>
      <td>{call}</td>
    </tr>
  );
});

/** The one part of a row that follows the clock (the page's shared one). */
function TimeInState({ since }: { since: string }) {
  const now = useNow();
  const at = useMemo(() => Date.parse(since), [since]);
  return <>{formatDuration(Math.max(0, Math.floor((now - at) / 1000)))}</>;
}
