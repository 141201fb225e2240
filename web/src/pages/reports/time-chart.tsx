import { useEffect, useRef } from 'react';
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

/**
 * A time-series chart (uPlot: canvas, ~50 kB, made for long series; 2,880 points × several
 * series draw in a few milliseconds). Rebuilt when the series change, destroyed on unmount.
 */
export function TimeChart({
  times,
  series,
  end,
  label,
  height = 240,
}: {
  /** Bucket starts, ISO. */
  times: string[];
  /** End of the last bucket, ISO: the x axis spans the report, even for one bucket. */
  end: string;
  series: ChartSeries[];
  label: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data: uPlot.AlignedData = [
      times.map((t) => Date.parse(t) / 1000),
      ...series.map((s) => s.values),
    ];
    const bars = uPlot.paths.bars?.({ size: [0.8, 40] });
    // Construction to first draw, as `chart:<label>` in the page's performance timeline (the
    // bench reads it; it costs nothing otherwise).
    const started = performance.now();
    let measured = false;
    const chart = new uPlot(
      {
        width: Math.max(320, el.clientWidth),
        height,
        legend: { show: true },
        scales: {
          x: {
            time: true,
            range: (): uPlot.Range.MinMax => [
              Date.parse(times[0] ?? end) / 1000,
              Date.parse(end) / 1000,
            ],
          },
        },
        series: [
          {},
          ...series.map((s) => ({
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
          draw: [
            () => {
              if (measured) return;
              measured = true;
              performance.measure(`chart:${label}`, {
                start: started,
                end: performance.now(),
                detail: { points: times.length, series: series.length },
              });
            },
          ],
        },
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(320, el.clientWidth), height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [times, end, series, height, label]);
  return <div ref={box} className="time-chart" role="img" aria-label={label} />;
}
