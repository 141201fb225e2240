/** Every speed and memory target named in the feature issues, one entry each. */
export const SCENARIO_NAMES = [
  'connections',
  'jobs',
  'ingest',
  'routing',
  'chat',
  'fanout',
  'stats',
  'import',
  'console',
  'wallboard',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface TargetDef {
  id: string;
  issue: number;
  scenario: ScenarioName;
  text: string;
}

export const TARGETS: readonly TargetDef[] = [
  {
    id: 'routing.p50',
    issue: 3,
    scenario: 'routing',
    text: 'arrived → offer at the socket p50 ≤ 10 ms (50 calls/s for 60 s, 200 staff)',
  },
  {
    id: 'routing.p99',
    issue: 3,
    scenario: 'routing',
    text: 'arrived → offer at the socket p99 ≤ 50 ms (50 calls/s for 60 s, 200 staff)',
  },
  {
    id: 'routing.burst.double-offers',
    issue: 3,
    scenario: 'routing',
    text: '1,000 calls in 1 s over two API processes: zero double offers',
  },
  {
    id: 'routing.burst.over-capacity',
    issue: 3,
    scenario: 'routing',
    text: '1,000 calls in 1 s over two API processes: zero people over capacity',
  },
  {
    id: 'routing.burst.offered-or-queued',
    issue: 3,
    scenario: 'routing',
    text: '1,000 calls in 1 s over two API processes: every call offered or queued',
  },
  {
    id: 'ingest.rate',
    issue: 3,
    scenario: 'ingest',
    text: 'telephony ingest ≥ 5,000 events/s sustained (batched)',
  },
  {
    id: 'chat.p99',
    issue: 4,
    scenario: 'chat',
    text: 'chat emit → recipient receipt p99 ≤ 25 ms at 1,000 msg/s among 500 users',
  },
  {
    id: 'fanout.last',
    issue: 4,
    scenario: 'fanout',
    text: 'one broadcast to 5,000 sockets delivered to the last within 500 ms',
  },
  {
    id: 'connections.rss',
    issue: 4,
    scenario: 'connections',
    text: '10,000 idle authenticated sockets on one API process < 1.5 GB RSS',
  },
  {
    id: 'stats.rebuild',
    issue: 5,
    scenario: 'stats',
    text: 'full rebuild of all rollups over 1,000,000 calls ≤ 60 s',
  },
  {
    id: 'stats.query',
    issue: 5,
    scenario: 'stats',
    text: '30-day query at 1 h buckets ≤ 200 ms',
  },
  {
    id: 'stats.tick',
    issue: 5,
    scenario: 'stats',
    text: 'live tick ≤ 50 ms with 1,000 calls in progress',
  },
  {
    id: 'stats.rebuild.ratio',
    issue: 5,
    scenario: 'stats',
    text: 'rebuild within 1.5× of a hand-written SQL aggregation',
  },
  {
    id: 'stats.query.ratio',
    issue: 5,
    scenario: 'stats',
    text: '30-day 1 h query within 1.5× of a hand-written SQL aggregation',
  },
  {
    id: 'stats.tick.ratio',
    issue: 5,
    scenario: 'stats',
    text: 'live tick within 1.5× of a hand-written SQL aggregation',
  },
  {
    id: 'import.rate',
    issue: 13,
    scenario: 'import',
    text: 'history import ≥ 20,000 queue_log lines/s parsed and stored (beside a plain COPY)',
  },
  {
    id: 'console.long-tasks',
    issue: 11,
    scenario: 'console',
    text: 'web console in Chromium, 200 waiting calls, 200 staff, 50 console deltas/s for 60 s: no main-thread long task over 50 ms',
  },
  {
    id: 'console.offer-card',
    issue: 11,
    scenario: 'console',
    text: 'web console: `offer` event → card visible p99 ≤ 100 ms',
  },
  {
    id: 'console.memory',
    issue: 11,
    scenario: 'console',
    text: 'web console: page memory steady, no growth above 10 % over the run after warm-up',
  },
  {
    id: 'wallboard.long-tasks',
    issue: 14,
    scenario: 'wallboard',
    text: 'wallboard, 50 queues and 500 staff, stats.live every 2 s + 50 staff changes/s for 10 min in Chromium: no main-thread task over 50 ms',
  },
  {
    id: 'wallboard.memory',
    issue: 14,
    scenario: 'wallboard',
    text: 'the same run: page memory steady after warm-up',
  },
  {
    id: 'wallboard.chart',
    issue: 14,
    scenario: 'wallboard',
    text: 'a chart of 30 days at 15-minute buckets (2,880 points × series) draws in under 200 ms',
  },
];

export function targetsOf(scenario: ScenarioName): TargetDef[] {
  return TARGETS.filter((t) => t.scenario === scenario);
}

export type Verdict =
  | { id: string; verdict: 'met' | 'not met'; figure: string; target: string }
  | { id: string; verdict: 'not run'; reason: string };

export function judged(id: string, ok: boolean, figure: string, target: string): Verdict {
  return { id, verdict: ok ? 'met' : 'not met', figure, target };
}

export function notRun(id: string, reason: string): Verdict {
  return { id, verdict: 'not run', reason };
}

export function allNotRun(scenario: ScenarioName, reason: string): Verdict[] {
  return targetsOf(scenario).map((t) => notRun(t.id, reason));
}
