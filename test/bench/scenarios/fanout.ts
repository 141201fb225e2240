import { sleep, wallNow } from '@test/bench/harness/clock';
import { freePort, LoadProcess } from '@test/bench/harness/processes';
import type { Comparison, Scenario, ScenarioContext } from '@test/bench/harness/scenario';
import { median, ratio, round, summarise } from '@test/bench/harness/stats';
import { judged, notRun } from '@test/bench/harness/targets';

interface Opened {
  opened: number;
  failed: number;
  errors: string[];
}

interface FanoutFigures {
  sockets: number;
  rounds: {
    received: number;
    firstMs: number | null;
    lastMs: number | null;
    p50Ms: number | null;
    triggerStatus: number;
  }[];
  /** Median over rounds of the time from the trigger to the last socket's receipt. */
  lastMs: number | null;
  p50Ms: number | null;
}

const LAST_TARGET_MS = 500;

/**
 * Opens the sockets, then `rounds` times: arm every client process with a fresh marker, fire the
 * trigger (one HTTP request), and collect when each socket first saw the marker.
 */
async function measureFanout(
  ctx: ScenarioContext,
  label: string,
  url: string,
  auths: Record<string, unknown>[],
  readyEvent: string,
  params: { sockets: number; clients: number; rounds: number },
  trigger: (marker: string) => Promise<number>,
): Promise<FanoutFigures> {
  const clients: LoadProcess[] = Array.from({ length: params.clients }, (_, i) =>
    ctx.fork('load/socket-clients', `${label}-${i}`),
  );
  try {
    const share = Math.ceil(params.sockets / params.clients);
    const opened = await Promise.all(
      clients.map((c, i) =>
        c.request<Opened>(
          'open',
          {
            url,
            count: Math.min(share, params.sockets - i * share),
            batch: 250,
            auths: auths.slice(i * share, (i + 1) * share),
            readyEvent,
            timeoutMs: 30_000,
          },
          300_000,
        ),
      ),
    );
    const sockets = opened.reduce((n, o) => n + o.opened, 0);
    ctx.progress(`${label}: ${sockets} sockets open`);
    await sleep(1_000);
    const rounds: FanoutFigures['rounds'] = [];
    for (let r = 0; r < params.rounds; r++) {
      const marker = `bench-fanout-${ctx.runId}-${label}-${r}`;
      await Promise.all(clients.map((c) => c.request('watch', { marker })));
      const t0 = wallNow();
      const triggerStatus = await trigger(marker);
      const got = await Promise.all(
        clients.map((c) =>
          c.request<{ times: number[] }>('collect', { timeoutMs: 10_000 }, 30_000),
        ),
      );
      const latencies = got.flatMap((g) => g.times).map((t) => t - t0);
      const summary = summarise(latencies);
      rounds.push({
        received: latencies.length,
        firstMs: latencies.length ? round(Math.min(...latencies)) : null,
        lastMs: summary?.max ?? null,
        p50Ms: summary?.p50 ?? null,
        triggerStatus,
      });
      ctx.progress(
        `${label}: round ${r + 1}: ${latencies.length}/${sockets} received, last after ${summary?.max ?? '—'} ms`,
      );
      await sleep(500);
    }
    const complete = rounds.filter((r) => r.received === sockets && r.lastMs !== null);
    return {
      sockets,
      rounds,
      lastMs: complete.length === rounds.length ? median(complete.map((r) => r.lastMs!)) : null,
      p50Ms: median(rounds.filter((r) => r.p50Ms !== null).map((r) => r.p50Ms!)),
    };
  } finally {
    await Promise.all(clients.map((c) => c.request('close', {}, 30_000).catch(() => null)));
    await Promise.all(clients.map((c) => c.stop()));
  }
}

export const fanoutScenario: Scenario = {
  name: 'fanout',
  title: 'Broadcast fan-out: one broadcast to many sockets, time to the last receipt',
  async run(ctx) {
    const params = ctx.quick
      ? { sockets: 500, users: 100, clients: 2, rounds: 2 }
      : { sockets: 5_000, users: 1_000, clients: 4, rounds: 3 };
    const { api } = await ctx.api();
    await ctx.worker();
    const supervisor = (await ctx.users.ensure(api, 'supervisor', 1))[0];
    const probe = await api.routeExists('POST', '/api/broadcasts', {
      token: supervisor.token,
      body: {},
    });

    let app: FanoutFigures | null = null;
    if (probe.exists) {
      ctx.progress(`app: ${params.users} agents × ${params.sockets / params.users} sockets`);
      const users = await ctx.users.ensure(api, 'agent', params.users, (n) =>
        ctx.progress(`${n} users ready`),
      );
      const auths = Array.from({ length: params.sockets }, (_, i) => ({
        token: users[i % users.length].token,
      }));
      app = await measureFanout(
        ctx,
        'fanout-app',
        api.url,
        auths,
        'session.ready',
        params,
        async (marker) => {
          const res = await api.call('POST', '/api/broadcasts', {
            token: supervisor.token,
            body: { text: marker, roles: ['agent'] },
          });
          if (res.status >= 300)
            throw new Error(
              `POST /api/broadcasts answered ${res.status}: ${JSON.stringify(res.body)}`,
            );
          return res.status;
        },
      );
    } else {
      ctx.progress(
        `app: not run, POST /api/broadcasts answered ${probe.status} (feature not present)`,
      );
    }

    // The baseline: a bare Socket.IO server, io.to(room).emit to the same number of sockets.
    const bare = ctx.fork('baselines/socketio-server', 'bare-socketio');
    let baseline: FanoutFigures;
    try {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      await bare.request('listen', { port });
      const auths = Array.from({ length: params.sockets }, (_, i) => ({
        userId: `u${i % params.users}`,
        rooms: ['role:agent'],
      }));
      baseline = await measureFanout(
        ctx,
        'fanout-baseline',
        url,
        auths,
        'connect',
        params,
        async (marker) => {
          const res = await fetch(`${url}/emit`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              room: 'role:agent',
              event: 'notification.created',
              payload: { kind: 'broadcast', body: marker, at: new Date().toISOString() },
            }),
          });
          return res.status;
        },
      );
    } finally {
      await bare.stop();
    }

    const comparisons: Comparison[] = [
      {
        metric: `last of ${params.sockets} sockets (median of ${params.rounds})`,
        unit: 'ms',
        app: app?.lastMs ?? null,
        baseline: baseline.lastMs,
        ratio: ratio(app?.lastMs, baseline.lastMs),
        better: 'lower',
      },
      {
        metric: 'half of the sockets (p50)',
        unit: 'ms',
        app: app?.p50Ms ?? null,
        baseline: baseline.p50Ms,
        ratio: ratio(app?.p50Ms, baseline.p50Ms),
        better: 'lower',
      },
    ];
    const target = `≤ ${LAST_TARGET_MS} ms`;
    const verdict = !app
      ? notRun(
          'fanout.last',
          `feature not present (POST /api/broadcasts answered ${probe.status}); baseline bare io.to(room).emit ${baseline.lastMs ?? '—'} ms to the last of ${baseline.sockets}`,
        )
      : ctx.quick
        ? notRun(
            'fanout.last',
            `quick mode: ${app.sockets} of 5,000 sockets (last after ${app.lastMs ?? '—'} ms)`,
          )
        : judged(
            'fanout.last',
            app.lastMs !== null && app.lastMs <= LAST_TARGET_MS,
            app.lastMs === null
              ? `not every socket received it (${app.rounds.map((r) => r.received).join(', ')} of ${app.sockets})`
              : `${app.lastMs} ms to the last of ${app.sockets} sockets`,
            target,
          );
    return {
      status: app ? 'ok' : 'partial',
      reason: app ? undefined : 'feature not present: baseline only',
      params,
      comparisons,
      figures: { app, baseline },
      targets: [verdict],
      notes: [
        `Timed from just before the trigger request (POST /api/broadcasts, or POST /emit on the bare server) to each socket's first event carrying the broadcast's marker, across ${params.clients} client processes.`,
      ],
    };
  },
};
