import { readFile } from 'node:fs/promises';
import { round } from './stats';

/** The unlabelled samples of a Prometheus text exposition, by metric name. */
export function parsePrometheus(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.includes('{')) continue;
    const [name, value] = line.trim().split(/\s+/);
    if (name && value !== undefined && Number.isFinite(Number(value))) out.set(name, Number(value));
  }
  return out;
}

export async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return parsePrometheus(await res.text());
}

/**
 * Event-loop delay as prom-client reports it: a `monitorEventLoopDelay` histogram sampled with
 * a 10 ms timer and reset on every scrape, so one scrape before and one after a window give the
 * delay within that window. The histogram includes the 10 ms timer interval itself; `net`
 * subtracts it, which is the lag the process added.
 */
export interface EventLoopLag {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  netP50Ms: number;
  netP99Ms: number;
  netMaxMs: number;
  /** prom-client's `..._eventloop_lag_seconds`: one setImmediate delay at the previous scrape. */
  instantMs: number;
}

export const LAG_SAMPLING_INTERVAL_MS = 10;

export function eventLoopLag(samples: Map<string, number>, prefix: string): EventLoopLag {
  const ms = (name: string) =>
    round((samples.get(`${prefix}nodejs_eventloop_lag_${name}`) ?? NaN) * 1000, 3);
  const net = (v: number) => round(Math.max(0, v - LAG_SAMPLING_INTERVAL_MS), 3);
  const p50Ms = ms('p50_seconds');
  const p99Ms = ms('p99_seconds');
  const maxMs = ms('max_seconds');
  return {
    p50Ms,
    p99Ms,
    maxMs,
    meanMs: ms('mean_seconds'),
    netP50Ms: net(p50Ms),
    netP99Ms: net(p99Ms),
    netMaxMs: net(maxMs),
    instantMs: ms('seconds'),
  };
}

/** Resident set size now and its high-water mark, from /proc (Linux). */
export async function readRss(pid: number): Promise<{ rssMb: number; hwmMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssMb: round(kb('VmRSS') / 1024, 1), hwmMb: round(kb('VmHWM') / 1024, 1) };
}
