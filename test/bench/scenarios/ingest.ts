import type { Comparison, Scenario } from '@test/bench/harness/scenario';
import { createApiKey, createLineAndQueue } from '@test/bench/harness/fixtures';
import { LatencySummary, ratio, round } from '@test/bench/harness/stats';
import { judged, notRun } from '@test/bench/harness/targets';

interface SenderResult {
  events: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  failedBatches: number;
  firstError?: string;
  startedAt: number;
  endedAt: number;
  batchMs: LatencySummary | null;
}

interface IngestFigures {
  events: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  failedBatches: number;
  firstError?: string;
  seconds: number;
  eventsPerSecond: number;
  batchMs: (LatencySummary | null)[];
}

const TARGET_EVENTS_PER_SECOND = 5_000;
const BASELINE_TABLE = 'bench_ingest_baseline';

function combine(parts: SenderResult[]): IngestFigures {
  const seconds =
    (Math.max(...parts.map((p) => p.endedAt)) - Math.min(...parts.map((p) => p.startedAt))) / 1000;
  const sum = (k: 'events' | 'accepted' | 'duplicate' | 'rejected' | 'failedBatches') =>
    parts.reduce((n, p) => n + p[k], 0);
  const accepted = sum('accepted');
  return {
    events: sum('events'),
    accepted,
    duplicate: sum('duplicate'),
    rejected: sum('rejected'),
    failedBatches: sum('failedBatches'),
    firstError: parts.find((p) => p.firstError)?.firstError,
    seconds: round(seconds, 2),
    eventsPerSecond: round(accepted / seconds, 0),
    batchMs: parts.map((p) => p.batchMs),
  };
}

export const ingestScenario: Scenario = {
  name: 'ingest',
  title: 'Telephony ingest: events/s stored through POST /api/telephony/events in batches',
  async run(ctx) {
    const params = {
      events: ctx.quick ? 10_000 : 100_000,
      batchSize: 1_000,
      senders: 2,
      inFlightPerSender: 2,
      shape:
        'history import: 4 events per call (arrived, queued, answered, ended), a call every 7 s',
    };
    const { api } = await ctx.api();
    await ctx.worker();
    const admin = await ctx.users.token(api);
    const apiKey = await createApiKey(api, admin);
    const probe = await api.routeExists('POST', '/api/telephony/events', { apiKey, body: [] });
    const present = probe.exists;
    const tag = `i${ctx.runId}`;
    const agents = (await ctx.users.ensure(api, 'agent', 10)).map((u) => u.username);
    const { lineCode, queueCode } = await createLineAndQueue(api, admin, tag);
    const spec = { tag, lineCode, queueCode, agents };

    const send = async (mode: 'http' | 'pg', label: string) => {
      const senders = Array.from({ length: params.senders }, (_, i) =>
        ctx.fork('load/ingest-sender', `${label}-${i}`),
      );
      const parts = await Promise.all(
        senders.map((s, worker) =>
          s.request<SenderResult>(
            'run',
            {
              ...spec,
              mode,
              url: api.url,
              apiKey,
              databaseUrl: ctx.sut.databaseUrl,
              table: BASELINE_TABLE,
              total: params.events,
              batchSize: params.batchSize,
              inFlight: params.inFlightPerSender,
              worker,
              workers: params.senders,
            },
            900_000,
          ),
        ),
      );
      await Promise.all(senders.map((s) => s.stop()));
      return combine(parts);
    };

    let app: IngestFigures | null = null;
    if (present) {
      ctx.progress(`app: ${params.events} events in batches of ${params.batchSize}`);
      app = await send('http', 'ingest-app');
    } else {
      ctx.progress(
        `app: not run, POST /api/telephony/events answered ${probe.status} (feature not present)`,
      );
    }

    // The baseline: the same rows, multi-row INSERT … ON CONFLICT DO NOTHING with plain pg.
    await ctx.sut.sql((c) =>
      c.query(`create table if not exists ${BASELINE_TABLE} (
        id text primary key, call_id text not null, type text not null, at timestamptz not null,
        line text not null, "from" text, "to" text, queue text, agent text)`),
    );
    ctx.progress('baseline: the same rows with plain pg multi-row INSERT');
    const baseline = await send('pg', 'ingest-pg');

    const comparisons: Comparison[] = [
      {
        metric: 'events stored per second',
        unit: 'events/s',
        app: app?.eventsPerSecond ?? null,
        baseline: baseline.eventsPerSecond,
        ratio: ratio(app?.eventsPerSecond, baseline.eventsPerSecond),
        better: 'higher',
      },
      {
        metric: `batch of ${params.batchSize}, p99 (sender 1)`,
        unit: 'ms',
        app: app?.batchMs[0]?.p99 ?? null,
        baseline: baseline.batchMs[0]?.p99 ?? null,
        ratio: ratio(app?.batchMs[0]?.p99, baseline.batchMs[0]?.p99),
        better: 'lower',
      },
    ];
    const target = `≥ ${TARGET_EVENTS_PER_SECOND.toLocaleString('en-US')} events/s`;
    const verdict = !app
      ? notRun(
          'ingest.rate',
          `feature not present (POST /api/telephony/events answered ${probe.status}); baseline plain pg ${baseline.eventsPerSecond.toLocaleString('en-US')} events/s`,
        )
      : ctx.quick
        ? notRun(
            'ingest.rate',
            `quick mode sends ${params.events.toLocaleString('en-US')} events, too few to call sustained (${app.eventsPerSecond.toLocaleString('en-US')} events/s)`,
          )
        : judged(
            'ingest.rate',
            app.eventsPerSecond >= TARGET_EVENTS_PER_SECOND && app.failedBatches === 0,
            `${app.eventsPerSecond.toLocaleString('en-US')} events/s over ${app.seconds} s (${app.accepted} accepted, ${app.rejected} rejected, ${app.failedBatches} failed batches)`,
            target,
          );
    const notes = [
      `Rows: ${params.shape}; ${params.senders} sender processes × ${params.inFlightPerSender} batches in flight, for both sides.`,
    ];
    if (app && app.accepted !== app.events)
      notes.push(
        `app accepted ${app.accepted} of ${app.events} (${app.duplicate} duplicate, ${app.rejected} rejected; first error: ${app.firstError ?? 'none'}).`,
      );
    return {
      status: app ? 'ok' : 'partial',
      reason: app ? undefined : 'feature not present: baseline only',
      params,
      comparisons,
      figures: { app, baseline },
      targets: [verdict],
      notes,
    };
  },
};
