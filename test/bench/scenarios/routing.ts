import { randomUUID } from 'node:crypto';
import type { Api } from '@test/bench/harness/api';
import { sleep } from '@test/bench/harness/clock';
import { addQueueMembers, createApiKey, createLineAndQueue } from '@test/bench/harness/fixtures';
import { freePort, LoadProcess } from '@test/bench/harness/processes';
import type { Comparison, Scenario, ScenarioContext } from '@test/bench/harness/scenario';
import { perCall, sampleAll } from '@test/bench/harness/probe';
import { LatencySummary, ratio, summarise } from '@test/bench/harness/stats';
import { judged, notRun, Verdict } from '@test/bench/harness/targets';
import { openSocket, whenReady } from '@test/bench/load/sockets';

interface OfferRecord {
  at: number;
  userId: string;
  offerId: string;
  callId: string;
}

interface Taken {
  offers: OfferRecord[];
  answerErrors: Record<string, number>;
}

interface Sent {
  sent: [string, number][];
  statusCounts: Record<string, number>;
  firstError?: string;
}

interface SteadyFigures {
  calls: number;
  offered: number;
  latencyMs: LatencySummary | null;
  statusCounts: Record<string, number>;
  firstError?: string;
  answerErrors?: Record<string, number>;
  /**
   * Over the steady window (arrival, offer, accept, hang-up, release of every call), divided by
   * the calls sent: SQL statements of the API and the worker together, and CPU time of each.
   */
  perCall?: {
    statements: number | null;
    apiCpuMs: number | null;
    workerCpuMs: number | null;
  };
}

interface BurstFigures {
  calls: number;
  spanMs: number;
  offers: number;
  offeredCalls: number;
  doubleOffered: number;
  overCapacity: number;
  offeredOrQueued: number;
  /** Status of the burst's calls as GET /api/calls reports them after the window. */
  callStatuses: Record<string, number>;
  consoleEvents: Record<string, number>;
  statusCounts: Record<string, number>;
  firstError?: string;
}

const P50_TARGET_MS = 10;
const P99_TARGET_MS = 50;

/**
 * Offer latency per call: first offer receipt at any socket − the time its arrival was sent.
 * The first `warmup` calls (the first second) warm connections and JIT up and are not counted.
 */
function offerLatencies(sent: [string, number][], offers: OfferRecord[], warmup = 0) {
  const first = new Map<string, number>();
  for (const o of offers)
    if (!first.has(o.callId) || first.get(o.callId)! > o.at) first.set(o.callId, o.at);
  const latencies: number[] = [];
  for (const [callId, at] of sent.slice(warmup)) {
    const got = first.get(callId);
    if (got !== undefined) latencies.push(got - at);
  }
  return latencies;
}

/**
 * Whether routing can be driven today: telephony ingest must take events and the gateway must
 * know `offer.accept` (an unknown event is acknowledged with UNKNOWN_EVENT).
 */
async function routingPresent(api: Api, apiKey: string, token: string) {
  const ingest = await api.routeExists('POST', '/api/telephony/events', { apiKey, body: [] });
  if (!ingest.exists)
    return { present: false, detail: `POST /api/telephony/events answered ${ingest.status}` };
  const socket = openSocket(api.url, { token }, 10_000);
  try {
    await whenReady(socket, 'connect', 10_000);
    const ack = (await socket
      .timeout(5_000)
      .emitWithAck('offer.accept', { offerId: randomUUID() })) as {
      ok: boolean;
      error?: { code: string };
    };
    if (!ack.ok && ack.error?.code === 'UNKNOWN_EVENT')
      return { present: false, detail: 'offer.accept answered UNKNOWN_EVENT' };
    return { present: true, detail: 'telephony ingest and offers present' };
  } finally {
    socket.disconnect();
  }
}

/** Status by telephony callId of the calls on a line whose callId starts with `prefix`. */
async function callStatuses(api: Api, token: string, lineCode: string, prefix: string) {
  const out = new Map<string, string>();
  for (let offset = 0; ; offset += 200) {
    const page = await api.expect<{ items: { externalId: string; status: string }[] }>(
      200,
      'GET',
      `/api/calls?line=${encodeURIComponent(lineCode)}&limit=200&offset=${offset}`,
      { token },
    );
    for (const c of page.items)
      if (c.externalId.startsWith(prefix)) out.set(c.externalId, c.status);
    if (page.items.length < 200) return out;
  }
}

/** Polls the bench database until `count` calls whose external id starts with `prefix` ended. */
async function steadyCallsEnded(
  ctx: ScenarioContext,
  prefix: string,
  count: number,
  timeoutMs: number,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ended = await ctx.sut.sql(async (client) => {
      const res = await client.query<{ n: number }>(
        `select count(*)::int as n from calls where external_id like $1 and ended_at is not null`,
        [`${prefix}%`],
      );
      return res.rows[0]?.n ?? 0;
    });
    if (ended >= count) return true;
    if (Date.now() > until) return false;
    await sleep(250);
  }
}

function staffProcesses(ctx: ScenarioContext, label: string, count: number): LoadProcess[] {
  return Array.from({ length: count }, (_, i) => ctx.fork('load/routing-staff', `${label}-${i}`));
}

async function takeAll(procs: LoadProcess[]): Promise<Taken> {
  const all = await Promise.all(procs.map((p) => p.request<Taken>('take')));
  const answerErrors: Record<string, number> = {};
  for (const t of all)
    for (const [k, v] of Object.entries(t.answerErrors))
      answerErrors[k] = (answerErrors[k] ?? 0) + v;
  return { offers: all.flatMap((t) => t.offers), answerErrors };
}

export const routingScenario: Scenario = {
  name: 'routing',
  title:
    'Call routing: arrived → offer at the chosen person’s socket; burst over two API processes',
  async run(ctx) {
    const params = ctx.quick
      ? {
          staff: 20,
          rate: 10,
          seconds: 4,
          holdMs: 500,
          burst: { calls: 100, requests: 10, withinMs: 1_000, windowMs: 3_000 },
        }
      : {
          staff: 200,
          rate: 50,
          seconds: 60,
          holdMs: 2_000,
          burst: { calls: 1_000, requests: 20, withinMs: 1_000, windowMs: 5_000 },
        };
    const { api, server: apiServer } = await ctx.api();
    const workerServer = await ctx.worker();
    const admin = await ctx.users.token(api);
    const apiKey = await createApiKey(api, admin);
    const supervisor = (await ctx.users.ensure(api, 'supervisor', 1))[0];
    const probe = await routingPresent(api, apiKey, supervisor.token);
    const driver = ctx.fork('load/call-driver', 'call-driver');
    const procs = staffProcesses(ctx, 'staff', 2);

    let app: { steady: SteadyFigures; burst: BurstFigures } | null = null;
    if (probe.present) {
      ctx.progress(
        `app: ${params.staff} staff in one queue; ${params.rate} calls/s for ${params.seconds} s`,
      );
      const tag = `r${ctx.runId}`;
      const { lineCode, queueCode, queueId } = await createLineAndQueue(api, admin, tag, {
        strategy: 'longest-idle',
        wrapUpSeconds: 0,
        maxWaitSeconds: 600,
      });
      const staff = await ctx.users.ensure(api, 'agent', params.staff, (n) =>
        ctx.progress(`${n} staff ready`),
      );
      await addQueueMembers(
        api,
        admin,
        queueId,
        staff.map((s) => s.id),
      );
      const half = Math.ceil(staff.length / 2);
      const connect = (urlOf: (i: number) => string) =>
        Promise.all(
          procs.map((p, k) =>
            p.request(
              'connect',
              {
                users: staff.slice(k * half, (k + 1) * half).map((s, i) => ({
                  userId: s.id,
                  url: urlOf(k * half + i),
                  auth: { token: s.token },
                })),
                readyEvent: 'session.ready',
                setAvailable: true,
              },
              120_000,
            ),
          ),
        );

      // Steady: one API process, staff accept and hang up after the hold time.
      await connect(() => api.url);
      await Promise.all(
        procs.map((p) =>
          p.request('behave', {
            behaviour: 'accept',
            holdMs: params.holdMs,
            endCall: { url: api.url, apiKey, lineCode },
          }),
        ),
      );
      const windowStart = await sampleAll([apiServer, workerServer]);
      const steadySent = await driver.request<Sent>(
        'steady',
        {
          mode: 'app',
          urls: [api.url],
          apiKey,
          tag: `${tag}s`,
          lineCode,
          queueCode,
          rate: params.rate,
          seconds: params.seconds,
        },
        600_000,
      );
      await sleep(params.holdMs + (ctx.quick ? 1_500 : 3_000));
      // On a loaded machine calls may still be ringing or talking here: the per-call figures
      // would then leave out their accept, hang-up and release. Read straight from the database
      // (not through the API, whose statements are being counted) until every call has ended.
      const settled = await steadyCallsEnded(ctx, `${tag}s-`, steadySent.sent.length, 60_000);
      if (!settled) ctx.progress('steady: not every call ended within 60 s; per-call figures low');
      // The hang-up's reactions (release, drain) run just after its commit.
      await sleep(500);
      const windowEnd = await sampleAll([apiServer, workerServer]);
      const steadyTaken = await takeAll(procs);
      const sentCalls = steadySent.sent.length;
      const both = perCall(windowStart, windowEnd, sentCalls);
      const apiOnly = perCall(windowStart.slice(0, 1), windowEnd.slice(0, 1), sentCalls);
      const workerOnly = perCall(windowStart.slice(1), windowEnd.slice(1), sentCalls);
      const steadyLatencies = offerLatencies(steadySent.sent, steadyTaken.offers, params.rate);
      const steady: SteadyFigures = {
        calls: steadySent.sent.length - params.rate,
        offered: steadyLatencies.length,
        latencyMs: summarise(steadyLatencies),
        statusCounts: steadySent.statusCounts,
        firstError: steadySent.firstError,
        answerErrors: steadyTaken.answerErrors,
        perCall: {
          statements: both?.statements ?? null,
          apiCpuMs: apiOnly?.cpuMs ?? null,
          workerCpuMs: workerOnly?.cpuMs ?? null,
        },
      };

      // Burst: two API processes, staff split across them, offers left unanswered for the window.
      ctx.progress(
        `app: burst of ${params.burst.calls} calls within ${params.burst.withinMs} ms over two API processes`,
      );
      const second = await ctx.secondApi();
      await Promise.all(procs.map((p) => p.request('close')));
      await connect((i) => (i % 2 === 0 ? api.url : second.api.url));
      await Promise.all(procs.map((p) => p.request('behave', { behaviour: 'hold', holdMs: 0 })));
      await driver.request('watchConsole', { url: api.url, token: supervisor.token });
      const burstSent = await driver.request<Sent & { spanMs: number }>(
        'burst',
        {
          mode: 'app',
          urls: [api.url, second.api.url],
          apiKey,
          tag: `${tag}b`,
          lineCode,
          queueCode,
          ...params.burst,
        },
        120_000,
      );
      await sleep(params.burst.windowMs);
      const burstTaken = await takeAll(procs);
      const consoleSeen = await driver.request<Record<string, string[]>>('consoleSeen');
      const offersPerCall = new Map<string, Set<string>>();
      const offersPerPerson = new Map<string, number>();
      for (const o of burstTaken.offers) {
        offersPerCall.set(o.callId, (offersPerCall.get(o.callId) ?? new Set()).add(o.offerId));
        offersPerPerson.set(o.userId, (offersPerPerson.get(o.userId) ?? 0) + 1);
      }
      const statuses = await callStatuses(api, supervisor.token, lineCode, `${tag}b-`);
      const statusCounts: Record<string, number> = {};
      for (const status of statuses.values())
        statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      const waiting = new Set(['offered', 'queued']);
      const accounted = new Set([
        ...offersPerCall.keys(),
        ...[...statuses].filter(([, status]) => waiting.has(status)).map(([id]) => id),
      ]);
      const burstIds = burstSent.sent.map(([id]) => id);
      app = {
        steady,
        burst: {
          calls: burstIds.length,
          spanMs: burstSent.spanMs,
          offers: burstTaken.offers.length,
          offeredCalls: offersPerCall.size,
          doubleOffered: [...offersPerCall.values()].filter((s) => s.size > 1).length,
          overCapacity: [...offersPerPerson.values()].filter((n) => n > 1).length,
          offeredOrQueued: burstIds.filter((id) => accounted.has(id)).length,
          callStatuses: statusCounts,
          consoleEvents: Object.fromEntries(
            Object.entries(consoleSeen).map(([k, v]) => [k, v.length]),
          ),
          statusCounts: burstSent.statusCounts,
          firstError: burstSent.firstError,
        },
      };
      // Leave nothing behind for later scenarios: the waiting calls hang up, the staff go offline.
      await api.call('POST', '/api/telephony/events', {
        apiKey,
        body: burstIds.map((callId, n) => ({
          id: `${callId}-abandoned`,
          callId,
          type: 'abandoned',
          at: new Date().toISOString(),
          line: lineCode,
          from: `+1202${String(2_000_000 + n).padStart(7, '0')}`,
        })),
      });
      await Promise.all(procs.map((p) => p.request('close', { offline: true })));
    } else {
      ctx.progress(`app: not run (${probe.detail}: feature not present)`);
    }

    // The baseline: a bare Socket.IO server relaying one event (HTTP in → one socket out).
    const bare = ctx.fork('baselines/socketio-server', 'bare-socketio');
    let baseline: SteadyFigures;
    try {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      await bare.request('listen', { port });
      const ids = Array.from({ length: params.staff }, (_, i) => `s${i}`);
      const half = Math.ceil(ids.length / 2);
      await Promise.all(
        procs.map((p, k) =>
          p.request(
            'connect',
            {
              users: ids
                .slice(k * half, (k + 1) * half)
                .map((id) => ({ userId: id, url, auth: { userId: id } })),
              readyEvent: 'connect',
              setAvailable: false,
            },
            120_000,
          ),
        ),
      );
      await Promise.all(procs.map((p) => p.request('behave', { behaviour: 'record', holdMs: 0 })));
      ctx.progress(
        `baseline: ${params.rate} relayed offers/s for ${params.seconds} s to ${params.staff} sockets`,
      );
      const sent = await driver.request<Sent>(
        'steady',
        {
          mode: 'baseline',
          urls: [url],
          tag: 'base',
          rooms: ids.map((id) => `user:${id}`),
          rate: params.rate,
          seconds: params.seconds,
        },
        600_000,
      );
      await sleep(1_000);
      const taken = await takeAll(procs);
      const latencies = offerLatencies(sent.sent, taken.offers, params.rate);
      baseline = {
        calls: sent.sent.length - params.rate,
        offered: latencies.length,
        latencyMs: summarise(latencies),
        statusCounts: sent.statusCounts,
        firstError: sent.firstError,
      };
      await Promise.all(procs.map((p) => p.request('close')));
    } finally {
      await bare.stop();
    }

    const a = app?.steady.latencyMs;
    const b = baseline.latencyMs;
    const comparisons: Comparison[] = [
      {
        metric: `arrived → offer p50 at ${params.rate} calls/s`,
        unit: 'ms',
        app: a?.p50 ?? null,
        baseline: b?.p50 ?? null,
        ratio: ratio(a?.p50, b?.p50),
        better: 'lower',
      },
      {
        metric: `arrived → offer p99 at ${params.rate} calls/s`,
        unit: 'ms',
        app: a?.p99 ?? null,
        baseline: b?.p99 ?? null,
        ratio: ratio(a?.p99, b?.p99),
        better: 'lower',
      },
      {
        metric: `SQL statements per routed call (API + worker) at ${params.rate} calls/s`,
        unit: 'statements',
        app: app?.steady.perCall?.statements ?? null,
        baseline: null,
        ratio: null,
        better: 'lower',
      },
      {
        metric: `API CPU time per routed call at ${params.rate} calls/s`,
        unit: 'ms',
        app: app?.steady.perCall?.apiCpuMs ?? null,
        baseline: null,
        ratio: null,
        better: 'lower',
      },
      {
        metric: `worker CPU time per routed call at ${params.rate} calls/s`,
        unit: 'ms',
        app: app?.steady.perCall?.workerCpuMs ?? null,
        baseline: null,
        ratio: null,
        better: 'lower',
      },
    ];
    let targets: Verdict[];
    if (!app) {
      const reason = `feature not present (${probe.detail}); baseline bare relay p50 ${b?.p50 ?? '—'} ms, p99 ${b?.p99 ?? '—'} ms`;
      targets = [
        'routing.p50',
        'routing.p99',
        'routing.burst.double-offers',
        'routing.burst.over-capacity',
        'routing.burst.offered-or-queued',
      ].map((id) => notRun(id, reason));
    } else if (ctx.quick) {
      const reason = `quick mode: ${params.staff} staff, ${params.rate} calls/s, burst of ${params.burst.calls}`;
      targets = [
        notRun('routing.p50', `${reason} (p50 ${a?.p50 ?? '—'} ms)`),
        notRun('routing.p99', `${reason} (p99 ${a?.p99 ?? '—'} ms)`),
        notRun(
          'routing.burst.double-offers',
          `${reason} (${app.burst.doubleOffered} double offers)`,
        ),
        notRun(
          'routing.burst.over-capacity',
          `${reason} (${app.burst.overCapacity} over capacity)`,
        ),
        notRun(
          'routing.burst.offered-or-queued',
          `${reason} (${app.burst.offeredOrQueued}/${app.burst.calls})`,
        ),
      ];
    } else {
      const offered = `${app.steady.offered}/${app.steady.calls} calls offered`;
      targets = [
        judged(
          'routing.p50',
          (a?.p50 ?? Infinity) <= P50_TARGET_MS && app.steady.offered === app.steady.calls,
          `p50 ${a?.p50 ?? '—'} ms, ${offered}`,
          `≤ ${P50_TARGET_MS} ms`,
        ),
        judged(
          'routing.p99',
          (a?.p99 ?? Infinity) <= P99_TARGET_MS && app.steady.offered === app.steady.calls,
          `p99 ${a?.p99 ?? '—'} ms, ${offered}`,
          `≤ ${P99_TARGET_MS} ms`,
        ),
        judged(
          'routing.burst.double-offers',
          app.burst.doubleOffered === 0,
          `${app.burst.doubleOffered} calls offered twice (${app.burst.calls} calls in ${app.burst.spanMs} ms)`,
          '0',
        ),
        judged(
          'routing.burst.over-capacity',
          app.burst.overCapacity === 0,
          `${app.burst.overCapacity} people with two offers at once`,
          '0',
        ),
        judged(
          'routing.burst.offered-or-queued',
          app.burst.offeredOrQueued === app.burst.calls,
          `${app.burst.offeredOrQueued}/${app.burst.calls} offered or queued (call statuses ${JSON.stringify(app.burst.callStatuses)}; console events ${JSON.stringify(app.burst.consoleEvents)})`,
          `${app.burst.calls}/${app.burst.calls}`,
        ),
      ];
    }
    return {
      status: app ? 'ok' : 'partial',
      reason: app ? undefined : 'feature not present: baseline only',
      params,
      comparisons,
      figures: { app, baseline },
      targets,
      notes: [
        'Latency runs from just before the `arrived` request (POST /api/telephony/events, one event per request; baseline: POST /emit on the bare server) to the `offer` at the person’s socket; senders and staff are separate processes on one clock. The first second of calls is a warm-up and not counted.',
        'Per routed call: the API and worker run with a preloaded probe (harness/process-probe.ts) counting every statement sent through `pg` (BEGIN/COMMIT included) and reporting process CPU time; sampled at the start and end of the steady window (its calls sent, then the hold time and 1.5 s/3 s drain), divided by the calls sent. It covers each call’s whole life in the window: arrival ingest, routing, offer, accept, telephony hang-up and release.',
        'Burst: offers are left unanswered for the window (shorter than the 15 s offer timeout), so a call with two offers or a person with two offers breaks the rule; "offered or queued" counts calls offered to a socket or in status offered or queued in GET /api/calls after the window; the supervisor’s live console events are recorded beside it.',
      ],
    };
  },
};
