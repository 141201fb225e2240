import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useParams } from 'react-router';
import { BUCKETS, type Bucket } from '@web/api/supervision-types';
import { Planning, PeaksHeatmap } from '@web/pages/reports/planning';
import { defaultSelection, toQuery, type Selection } from '@web/pages/reports/report-query';
import { LinesReport, QueuesReport, StaffReport } from '@web/pages/reports/report-tables';
import '@web/pages/admin/admin.css';
import '@web/pages/reports/reports.css';

const TABS = ['lines', 'queues', 'staff', 'peaks', 'planning'] as const;
type Tab = (typeof TABS)[number];
const ZONES = [
  'UTC',
  'Europe/Moscow',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Yekaterinburg',
];

/** Load reports from the rollups; range, bucket and zone are shared by every tab. */
export function ReportsPage() {
  const { t } = useTranslation();
  const { tab } = useParams();
  const current: Tab = TABS.includes(tab as Tab) ? (tab as Tab) : 'lines';
  const [selection, setSelection] = useState<Selection>(defaultSelection);
  const query = useMemo(() => toQuery(selection), [selection]);
  const zones = ZONES.includes(selection.tz) ? ZONES : [selection.tz, ...ZONES];
  return (
    <div className="reports">
      <nav className="subnav" aria-label={t('reports.sections')}>
        {TABS.map((x) => (
          <NavLink key={x} to={`/reports/${x}`} className={x === current ? 'active' : undefined}>
            {t(`reports.tab.${x}`)}
          </NavLink>
        ))}
      </nav>
      <form
        className="inline-form selectors"
        aria-label={t('reports.selectors')}
        onSubmit={(e) => e.preventDefault()}
      >
        <label className="field">
          <span>{t('reports.from')}</span>
          <input
            type="date"
            required
            value={selection.fromDay}
            max={selection.toDay}
            onChange={(e) =>
              e.target.value && setSelection({ ...selection, fromDay: e.target.value })
            }
          />
        </label>
        <label className="field">
          <span>{t('reports.to')}</span>
          <input
            type="date"
            required
            value={selection.toDay}
            min={selection.fromDay}
            onChange={(e) =>
              e.target.value && setSelection({ ...selection, toDay: e.target.value })
            }
          />
        </label>
        <label className="field">
          <span>{t('reports.bucket')}</span>
          <select
            value={selection.bucket}
            onChange={(e) => setSelection({ ...selection, bucket: e.target.value as Bucket })}
          >
            {BUCKETS.map((b) => (
              <option key={b} value={b}>
                {t(`reports.buckets.${b}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('reports.tz')}</span>
          <select
            value={selection.tz}
            onChange={(e) => setSelection({ ...selection, tz: e.target.value })}
          >
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
      </form>
      {current === 'lines' ? <LinesReport query={query} /> : null}
      {current === 'queues' ? <QueuesReport query={query} /> : null}
      {current === 'staff' ? <StaffReport query={query} /> : null}
      {current === 'peaks' ? <PeaksHeatmap query={query} /> : null}
      {current === 'planning' ? <Planning query={query} /> : null}
    </div>
  );
}
