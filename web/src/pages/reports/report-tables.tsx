import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { errorText } from '@web/api/errors';
import { supervision } from '@web/api/supervision';
import type { LineRow, ReportQuery } from '@web/api/supervision-types';
import { formatDateTime, formatDuration } from '@web/components/time';
import { percent, seconds } from '@web/pages/wallboard/format';
import { CsvButton } from '@web/pages/reports/csv-button';
import { TimeChart, type ChartSeries } from '@web/pages/reports/time-chart';

const when = (iso: string, lang: string) => formatDateTime(iso, lang);
const WEEK_MS = 7 * 24 * 3600_000;
const NO_LINE_ROWS: LineRow[] = [];

function shiftQuery(q: ReportQuery, weeks: number): ReportQuery {
  // Wall-clock instants without offset: shifting the date part keeps the same local hours.
  const shift = (s: string) => {
    const d = new Date(`${s.slice(0, 10)}T12:00:00Z`);
    return `${new Date(d.getTime() - weeks * WEEK_MS).toISOString().slice(0, 10)}${s.slice(10)}`;
  };
  return { ...q, from: shift(q.from), to: shift(q.to) };
}

/** Per bucket over all lines: Erlangs summed, peak concurrency summed (an upper bound), blocked. */
function byBucket(
  rows: LineRow[],
): { start: string; traffic: number; peak: number; blocked: number }[] {
  const map = new Map<string, { start: string; traffic: number; peak: number; blocked: number }>();
  for (const r of rows) {
    const b = map.get(r.bucketStart) ?? { start: r.bucketStart, traffic: 0, peak: 0, blocked: 0 };
    b.traffic += r.traffic;
    b.peak += r.peakConcurrency;
    b.blocked += r.blocked;
    map.set(r.bucketStart, b);
  }
  // ISO instants of one zone and format sort as plain strings (localeCompare is far slower).
  return [...map.values()].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/** Rows a table shows at first and adds per click: 30 days at 15 minutes is 2,880 rows. */
const ROWS_STEP = 500;

/** The first rows of a long report, and a button for more (the CSV holds every row). */
function useRowLimit<T>(rows: T[]): { shown: T[]; more: React.ReactNode } {
  const { t } = useTranslation();
  const [limit, setLimit] = useState(ROWS_STEP);
  const shown = useMemo(() => (rows.length > limit ? rows.slice(0, limit) : rows), [rows, limit]);
  const more =
    rows.length > limit ? (
      <p className="muted table-more">
        {t('reports.shown', { shown: limit, total: rows.length })}{' '}
        <button type="button" className="btn btn-small" onClick={() => setLimit(limit + ROWS_STEP)}>
          {t('reports.showMore', { count: Math.min(ROWS_STEP, rows.length - limit) })}
        </button>
      </p>
    ) : null;
  return { shown, more };
}

export function LinesReport({ query }: { query: ReportQuery }) {
  const { t, i18n } = useTranslation();
  const report = useQuery({
    queryKey: ['reports', 'lines', query],
    queryFn: () => supervision.lineReport(query),
  });
  // The same weekday of the last 4 weeks, averaged per bucket position: "is today unusual?"
  // The report's data once its chart has been painted (the frame after it is handed over).
  const [painted, setPainted] = useState<typeof report.data>(undefined);
  useEffect(() => {
    const data = report.data;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setPainted(data));
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [report.data]);
  const past = useQuery({
    queryKey: ['reports', 'lines-past', query],
    // After the report's chart is on screen: four more ranges as large must not hold it up.
    enabled: report.isSuccess && painted === report.data,
    queryFn: () =>
      Promise.all([1, 2, 3, 4].map((w) => supervision.lineReport(shiftQuery(query, w)))),
  });
  const current = useMemo(() => byBucket(report.data?.rows ?? []), [report.data]);
  const series = useMemo<ChartSeries[]>(() => {
    const weeks = (past.data ?? []).map((r) => byBucket(r.rows));
    const average = current.map((_, i) => {
      const values = weeks.map((w) => w[i]?.traffic).filter((v): v is number => v !== undefined);
      return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
    });
    return [
      {
        label: t('reports.lines.erlangs'),
        values: current.map((b) => b.traffic),
        color: '#1d5bb8',
      },
      { label: t('reports.lines.pastWeeks'), values: average, color: '#7b8794', dash: true },
      { label: t('reports.lines.peak'), values: current.map((b) => b.peak), color: '#c77700' },
      {
        label: t('reports.lines.blocked'),
        values: current.map((b) => b.blocked),
        color: '#c5221f',
        bars: true,
      },
    ];
  }, [current, past.data, t]);
  const times = useMemo(() => current.map((b) => b.start), [current]);
  // The chart first: the table of every bucket (2,880 rows for 30 days at 15 minutes) renders
  // once the chart is on screen, so it does not delay it.
  const table = useRowLimit(painted?.rows ?? NO_LINE_ROWS);
  if (report.error)
    return (
      <p role="alert" className="notice notice-error">
        {errorText(t, report.error)}
      </p>
    );
  return (
    <section className="card" aria-labelledby="r-lines">
      <header className="card-head">
        <h2 id="r-lines">{t('reports.lines.title')}</h2>
        <CsvButton report="lines" query={query} />
      </header>
      {times.length > 0 ? (
        <TimeChart
          times={times}
          end={report.data?.rows.at(-1)?.bucketEnd ?? times[times.length - 1]}
          series={series}
          dataAt={Math.max(report.dataUpdatedAt, past.data ? past.dataUpdatedAt : 0)}
          label={t('reports.lines.title')}
        />
      ) : null}
      <div className="table-wrap report-table">
        <table className="data-table" aria-labelledby="r-lines">
          <thead>
            <tr>
              <th scope="col">{t('reports.bucketStart')}</th>
              <th scope="col">{t('reports.lines.line')}</th>
              <th scope="col">{t('reports.offered')}</th>
              <th scope="col">{t('reports.answered')}</th>
              <th scope="col">{t('reports.lines.erlangs')}</th>
              <th scope="col">{t('reports.lines.peak')}</th>
              <th scope="col">{t('reports.lines.blocked')}</th>
              <th scope="col">{t('reports.lines.occupancy')}</th>
            </tr>
          </thead>
          <tbody>
            {table.shown.map((r) => (
              <tr key={`${r.bucketStart}:${r.lineId}`}>
                <td>{when(r.bucketStart, i18n.language)}</td>
                <td className="mono">{r.lineCode ?? t('reports.lines.unmapped')}</td>
                <td className="num">{r.offered}</td>
                <td className="num">{r.answered}</td>
                <td className="num">{r.traffic.toFixed(2)}</td>
                <td className="num">{r.peakConcurrency}</td>
                <td className="num">{r.blocked}</td>
                <td className="num">{percent(r.occupancy)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {table.more}
    </section>
  );
}

export function QueuesReport({ query }: { query: ReportQuery }) {
  const { t, i18n } = useTranslation();
  const report = useQuery({
    queryKey: ['reports', 'queues', query],
    queryFn: () => supervision.queueReport(query),
  });
  const rows = report.data?.rows ?? [];
  const table = useRowLimit(rows);
  if (report.error)
    return (
      <p role="alert" className="notice notice-error">
        {errorText(t, report.error)}
      </p>
    );
  return (
    <section className="card" aria-labelledby="r-queues">
      <header className="card-head">
        <h2 id="r-queues">{t('reports.queues.title')}</h2>
        <CsvButton report="queues" query={query} />
      </header>
      <div className="table-wrap report-table">
        <table className="data-table" aria-labelledby="r-queues">
          <thead>
            <tr>
              <th scope="col">{t('reports.bucketStart')}</th>
              <th scope="col">{t('reports.queues.queue')}</th>
              <th scope="col">{t('reports.offered')}</th>
              <th scope="col">{t('reports.answered')}</th>
              <th scope="col">{t('reports.queues.abandoned')}</th>
              <th scope="col">{t('reports.queues.sl')}</th>
              <th scope="col">{t('reports.queues.asa')}</th>
              <th scope="col">{t('reports.queues.median')}</th>
              <th scope="col">{t('reports.queues.p90')}</th>
              <th scope="col">{t('reports.queues.max')}</th>
            </tr>
          </thead>
          <tbody>
            {table.shown.map((r) => (
              <tr key={`${r.bucketStart}:${r.queueId}`}>
                <td>{when(r.bucketStart, i18n.language)}</td>
                <td className="mono">{r.queueCode}</td>
                <td className="num">{r.offered}</td>
                <td className="num">{r.answered}</td>
                <td className="num">{r.abandoned}</td>
                <td className="num">{percent(r.serviceLevel)}</td>
                <td className="num">{seconds(r.asa)}</td>
                <td className="num">{seconds(r.waitMedian)}</td>
                <td className="num">{seconds(r.waitP90)}</td>
                <td className="num">{seconds(r.waitMax)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {table.more}
      {rows.length === 0 && report.isSuccess ? <p className="muted">{t('reports.empty')}</p> : null}
    </section>
  );
}

export function StaffReport({ query }: { query: ReportQuery }) {
  const { t, i18n } = useTranslation();
  const report = useQuery({
    queryKey: ['reports', 'staff', query],
    queryFn: () => supervision.staffReport(query),
  });
  const rows = (report.data?.rows ?? []).filter(
    (r) => r.offers + r.answered + r.talkSeconds + r.availableSeconds > 0,
  );
  const table = useRowLimit(rows);
  if (report.error)
    return (
      <p role="alert" className="notice notice-error">
        {errorText(t, report.error)}
      </p>
    );
  return (
    <section className="card" aria-labelledby="r-staff">
      <header className="card-head">
        <h2 id="r-staff">{t('reports.staff.title')}</h2>
        <CsvButton report="staff" query={query} />
      </header>
      <div className="table-wrap report-table">
        <table className="data-table" aria-labelledby="r-staff">
          <thead>
            <tr>
              <th scope="col">{t('reports.bucketStart')}</th>
              <th scope="col">{t('reports.staff.person')}</th>
              <th scope="col">{t('reports.staff.offers')}</th>
              <th scope="col">{t('reports.answered')}</th>
              <th scope="col">{t('reports.staff.talk')}</th>
              <th scope="col">{t('reports.staff.wrapUp')}</th>
              <th scope="col">{t('reports.staff.aht')}</th>
              <th scope="col">{t('reports.staff.available')}</th>
              <th scope="col" title={t('reports.staff.occupancyNote')}>
                {t('reports.staff.occupancy')}
              </th>
            </tr>
          </thead>
          <tbody>
            {table.shown.map((r) => (
              <tr key={`${r.bucketStart}:${r.staffId}`}>
                <td>{when(r.bucketStart, i18n.language)}</td>
                <th scope="row">{r.displayName ?? r.username ?? r.staffId}</th>
                <td className="num">{r.offers}</td>
                <td className="num">{r.answered}</td>
                <td className="num">{seconds(r.talkSeconds)}</td>
                <td className="num">{seconds(r.wrapUpSeconds)}</td>
                <td className="num">{seconds(r.aht)}</td>
                <td className="num">{formatDuration(Math.round(r.availableSeconds))}</td>
                <td className="num">{percent(r.occupancy)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {table.more}
      <p className="muted">{t('reports.staff.occupancyNote')}</p>
      {rows.length === 0 && report.isSuccess ? <p className="muted">{t('reports.empty')}</p> : null}
    </section>
  );
}
