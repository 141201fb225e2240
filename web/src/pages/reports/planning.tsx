import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { errorText } from '@web/api/errors';
import { supervision } from '@web/api/supervision';
import type { ReportQuery } from '@web/api/supervision-types';
import { useQueues } from '@web/components/use-queues';
import { percent, seconds } from '@web/pages/wallboard/format';

const DAYS = [1, 2, 3, 4, 5, 6, 7];

/** Arrivals by weekday × hour, darker where busier. */
export function PeaksHeatmap({ query }: { query: ReportQuery }) {
  const { t } = useTranslation();
  const { queues } = useQueues();
  const [queueId, setQueueId] = useState('');
  const map = useQuery({
    queryKey: ['reports', 'heatmap', query, queueId],
    queryFn: () => supervision.heatmap(query, queueId || undefined),
  });
  const matrix = map.data?.matrix ?? [];
  const max = Math.max(1, ...matrix.flat());
  return (
    <section className="card" aria-labelledby="r-heat">
      <header className="card-head">
        <h2 id="r-heat">{t('reports.heatmap.title')}</h2>
        <label className="field inline">
          <span>{t('reports.queueFilter')}</span>
          <select value={queueId} onChange={(e) => setQueueId(e.target.value)}>
            <option value="">{t('reports.allQueues')}</option>
            {queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </label>
      </header>
      {map.error ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, map.error)}
        </p>
      ) : null}
      <div className="table-wrap">
        <table className="heatmap" aria-labelledby="r-heat">
          <thead>
            <tr>
              <th scope="col" />
              {Array.from({ length: 24 }, (_, h) => (
                <th scope="col" key={h}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {DAYS.map((d) => (
              <tr key={d}>
                <th scope="row">{t(`reports.weekday.${d}`)}</th>
                {Array.from({ length: 24 }, (_, h) => {
                  const n = matrix[d - 1]?.[h] ?? 0;
                  return (
                    <td
                      key={h}
                      style={{
                        background: `rgba(29, 91, 184, ${n === 0 ? 0.03 : 0.12 + (0.88 * n) / max})`,
                        color: n / max > 0.55 ? '#fff' : undefined,
                      }}
                    >
                      {n || ''}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Erlang B and C calculators, and the forecast of a queue's hour from observed traffic. */
export function Planning({ query }: { query: ReportQuery }) {
  const { t } = useTranslation();
  const { queues } = useQueues();
  const [b, setB] = useState({ traffic: 10, blocking: 0.01 });
  const [c, setC] = useState({ traffic: 10, aht: 180, target: 20, level: 0.8, maxOccupancy: 0.85 });
  const [queue, setQueue] = useState('');
  const [hour, setHour] = useState(10);
  const lines = useQuery({
    queryKey: ['erlang-b', b],
    queryFn: () => supervision.linesNeeded(b.traffic, b.blocking),
  });
  const agents = useQuery({
    queryKey: ['erlang-c', c],
    queryFn: () => supervision.agentsNeeded(c),
  });
  const forecast = useQuery({
    queryKey: ['forecast', query.from, query.to, query.tz, queue],
    queryFn: () => supervision.forecast(query, queue),
    enabled: queue !== '',
  });
  const h = forecast.data?.hours.find((x) => x.hour === hour);
  const num = (value: number, set: (v: number) => void, label: string, step = 'any') => (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        step={step}
        min={0}
        value={value}
        onChange={(e) => set(Number(e.target.value))}
      />
    </label>
  );
  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="r-erlang-b">
        <h2 id="r-erlang-b">{t('reports.plan.erlangB')}</h2>
        <div className="row">
          {num(b.traffic, (traffic) => setB({ ...b, traffic }), t('reports.plan.traffic'))}
          {num(b.blocking, (blocking) => setB({ ...b, blocking }), t('reports.plan.blocking'))}
        </div>
        {lines.data ? (
          <p className="plan-answer" role="status">
            {t('reports.plan.linesAnswer', {
              lines: lines.data.lines,
              blocking: percent(lines.data.blocking, 2),
            })}
          </p>
        ) : lines.error ? (
          <p role="alert" className="notice notice-error">
            {errorText(t, lines.error)}
          </p>
        ) : null}
        <h2>{t('reports.plan.erlangC')}</h2>
        <div className="row">
          {num(c.traffic, (traffic) => setC({ ...c, traffic }), t('reports.plan.traffic'))}
          {num(c.aht, (aht) => setC({ ...c, aht }), t('reports.plan.aht'))}
        </div>
        <div className="row row-3">
          {num(c.target, (target) => setC({ ...c, target }), t('reports.plan.target'))}
          {num(c.level, (level) => setC({ ...c, level }), t('reports.plan.level'))}
          {num(
            c.maxOccupancy,
            (maxOccupancy) => setC({ ...c, maxOccupancy }),
            t('reports.plan.maxOccupancy'),
          )}
        </div>
        {agents.data ? (
          <p className="plan-answer" role="status">
            {t('reports.plan.agentsAnswer', {
              agents: agents.data.agents,
              sl: percent(agents.data.serviceLevel),
              target: c.target,
              asa: seconds(agents.data.asa),
              occupancy: percent(agents.data.occupancy),
            })}
          </p>
        ) : agents.error ? (
          <p role="alert" className="notice notice-error">
            {errorText(t, agents.error)}
          </p>
        ) : null}
      </section>
      <section className="card" aria-labelledby="r-forecast">
        <h2 id="r-forecast">{t('reports.plan.forecast')}</h2>
        <p className="muted">{t('reports.plan.forecastIntro')}</p>
        <div className="row">
          <label className="field">
            <span>{t('reports.queueFilter')}</span>
            <select value={queue} onChange={(e) => setQueue(e.target.value)}>
              <option value="">{t('admin.codes.choose')}</option>
              {queues.map((q) => (
                <option key={q.id} value={q.code}>
                  {q.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('reports.plan.hour')}</span>
            <select value={hour} onChange={(e) => setHour(Number(e.target.value))}>
              {Array.from({ length: 24 }, (_, x) => (
                <option
                  key={x}
                  value={x}
                >{`${String(x).padStart(2, '0')}:00–${String(x + 1).padStart(2, '0')}:00`}</option>
              ))}
            </select>
          </label>
        </div>
        {forecast.error ? (
          <p role="alert" className="notice notice-error">
            {errorText(t, forecast.error)}
          </p>
        ) : null}
        {forecast.data && h ? (
          <p className="plan-answer" role="status">
            {h.agents === null
              ? t('reports.plan.noTraffic')
              : t('reports.plan.forecastAnswer', {
                  hour: `${String(hour).padStart(2, '0')}:00–${String(hour + 1).padStart(2, '0')}:00`,
                  calls: h.arrivalsPerHour.toFixed(1),
                  agents: h.agents,
                  lines: h.lines ?? '—',
                  level: percent(forecast.data.targetServiceLevel),
                  seconds: forecast.data.slThresholdSeconds,
                })}
          </p>
        ) : null}
      </section>
    </div>
  );
}
