import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoardCall } from '@web/api/console-store';
import type { Presence } from '@web/api/types';
import { formatDuration, secondsSince, useNow } from '@web/components/time';
import { lampOf } from '@web/pages/console/work-status';
import { percent } from '@web/pages/wallboard/format';
import type { PersonToday } from '@web/pages/wallboard/use-staff-today';

type Column = 'name' | 'status' | 'time' | 'answered' | 'occupancy' | 'call';
const LAMP_ORDER = ['offered', 'busy', 'wrap_up', 'idle', 'break', 'offline'];

/** Every active person: status and state, time in state, today's work, the call they are on. */
export function StaffTable({
  staff,
  today,
  calls,
  nameOf,
}: {
  staff: Presence[];
  today: Map<string, PersonToday>;
  calls: BoardCall[];
  nameOf: (code: string | null) => string | null;
}) {
  const { t } = useTranslation();
  const now = useNow();
  const [sort, setSort] = useState<{ by: Column; desc: boolean }>({ by: 'status', desc: false });
  const callsById = useMemo(() => new Map(calls.map((c) => [c.id, c])), [calls]);

  const rows = staff.map((p) => {
    const mine = today.get(p.userId);
    const call = p.currentCallId ? callsById.get(p.currentCallId) : undefined;
    return {
      p,
      lamp: lampOf(p),
      time: secondsSince(p.stateSince, now),
      answered: mine?.answered ?? 0,
      occupancy: mine?.occupancy ?? null,
      call:
        p.currentCallId === null
          ? ''
          : call
            ? `${call.from ?? t('wallboard.hiddenNumber')} · ${nameOf(call.queue) ?? ''}`
            : t('wallboard.onACall'),
    };
  });
  const value = (r: (typeof rows)[number]): string | number => {
    switch (sort.by) {
      case 'name':
        return r.p.displayName.toLowerCase();
      case 'status':
        return LAMP_ORDER.indexOf(r.lamp);
      case 'time':
        return r.time;
      case 'answered':
        return r.answered;
      case 'occupancy':
        return r.occupancy ?? -1;
      case 'call':
        return r.call;
    }
  };
  rows.sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const order = x < y ? -1 : x > y ? 1 : a.p.displayName.localeCompare(b.p.displayName);
    return sort.desc ? -order : order;
  });

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
    <section className="card" aria-labelledby="wb-staff-title">
      <header className="card-head">
        <h2 id="wb-staff-title">{t('wallboard.staff')}</h2>
        <span className="muted">{t('wallboard.occupancyNote')}</span>
      </header>
      <div className="table-wrap">
        <table className="data-table" aria-labelledby="wb-staff-title">
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
          <tbody>
            {rows.map((r) => (
              <tr key={r.p.userId}>
                <th scope="row">{r.p.displayName}</th>
                <td>
                  <span className={`lamp lamp-${r.lamp}`} aria-hidden="true" />{' '}
                  {r.p.status === 'available' ? t(`state.${r.p.state}`) : t(`status.${r.p.status}`)}
                  {r.p.status === 'break' && r.p.breakReason ? ` · ${r.p.breakReason}` : ''}
                </td>
                <td className="mono num">{formatDuration(r.time)}</td>
                <td className="num">{r.answered}</td>
                <td className="num">{percent(r.occupancy)}</td>
                <td>{r.call}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
