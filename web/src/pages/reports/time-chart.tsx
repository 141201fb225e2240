import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** Drawn as bars (counts per bucket) rather than a line. */
  bars?: boolean;
  dash?: boolean;
}

interface Pending {
  /** performance.now() when the data drawn next was in hand. */
  since: number;
  points: number;
  series: number;
  /** The x axis, ISO. */
  from: string;
  to: string;
  /** performance.now() when the chart was handed the data (after React's render and commit). */
  handed: number;
}

/**
 * A time-series chart (uPlot: canvas, ~50 kB, made for long series; 2,880 points × several
 * series draw in a few milliseconds). Built once per set of series and destroyed on unmount;
 * new data for the same series goes through `setData`, so a late series (the past weeks) costs a
 * redraw, not a new chart.
 *
 * Every draw of new data is measured from `dataAt` (when the data was in hand) to the frame
 * that shows it, as `chart:<label>` in the page's performance timeline, with the time uPlot
 * itself took in `detail.drawMs` (the bench reads it; it costs nothing otherwise).
 */
export function TimeChart({
  times,
  series,
  end,
  label,
  dataAt,
  height = 240,
}: {
  /** Bucket starts, ISO. */
  times: string[];
  /** End of the last bucket, ISO: the x axis spans the report, even for one bucket. */
  end: string;
  series: ChartSeries[];
  label: string;
  /** Epoch ms when the data arrived (React Query's dataUpdatedAt); now when not given. */
  dataAt?: number;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const data = useMemo<uPlot.AlignedData>(
    () => [times.map((t) => Date.parse(t) / 1000), ...series.map((s) => s.values)],
    [times, series],
  );
  const range = useMemo<[number, number]>(
    () => [Date.parse(times[0] ?? end) / 1000, Date.parse(end) / 1000],
    [times, end],
  );
  // Read by the chart's callbacks, which outlive a render; brought up to date before the
  // effects below run.
  const latest = useRef({ data, range, series });
  useEffect(() => {
    latest.current = { data, range, series };
  });
  const pending = useRef<Pending | null>(null);
  const shape = series
    .map((s) => `${s.label}\u0000${s.color}\u0000${s.bars ? 1 : 0}${s.dash ? 1 : 0}`)
    .join('\u0001');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const bars = uPlot.paths.bars?.({ size: [0.8, 40] });
    let drawStarted = 0;
    let width = Math.max(320, el.clientWidth);
    const made = new uPlot(
      {
        width,
        height,
        legend: { show: true },
        scales: { x: { time: true, range: () => latest.current.range } },
        series: [
          {},
          ...latest.current.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            fill: s.bars ? `${s.color}55` : undefined,
            width: 2,
            dash: s.dash ? [6, 4] : undefined,
            paths: s.bars ? bars : undefined,
            points: { show: false },
          })),
        ],
        axes: [{}, { size: 50 }],
        hooks: {
          drawClear: [() => void (drawStarted = performance.now())],
          draw: [() => measure(label, pending, drawStarted)],
        },
      },
      latest.current.data,
      el,
    );
    chart.current = made;
    const resize = new ResizeObserver(() => {
      const next = Math.max(320, el.clientWidth);
      // The observer also reports the first size: no second draw for the same width.
      if (next === width) return;
      width = next;
      made.setSize({ width, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      made.destroy();
      chart.current = null;
    };
  }, [shape, height, label]);

  useEffect(() => {
    pending.current = {
      since: dataAt === undefined ? performance.now() : dataAt - performance.timeOrigin,
      points: times.length,
      series: series.length,
      from: times[0] ?? end,
      to: end,
      handed: performance.now(),
    };
    const c = chart.current;
    // A chart built in this commit already holds these data.
    if (c && c.data !== data) c.setData(data);
  }, [data, dataAt, times, series.length, end]);

  return <div ref={box} className="time-chart" role="img" aria-label={label} />;
}

function measure(label: string, pending: { current: Pending | null }, drawStarted: number): void {
  const p = pending.current;
  if (p === null) return;
  pending.current = null;
  const drawn = performance.now();
  // The frame after the draw is the one that shows it; a task queued from its animation
  // callback runs once that frame is painted.
  requestAnimationFrame(() => {
    const frame = performance.now();
    setTimeout(() =>
      performance.measure(`chart:${label}`, {
        start: p.since,
        end: performance.now(),
        // Where the time went, ms from the data in hand: rendered and handed to the chart,
        // drawn (uPlot's own part in drawMs), the next frame begun.
        detail: {
          ...p,
          handedMs: p.handed - p.since,
          drawnMs: drawn - p.since,
          frameMs: frame - p.since,
          drawMs: drawn - drawStarted,
        },
      }),
    );
  });
}
