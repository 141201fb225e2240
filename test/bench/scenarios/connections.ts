import { sleep, wallNow } from '@test/bench/harness/clock';
import { eventLoopLag, EventLoopLag, readRss, scrape } from '@test/bench/harness/metrics';
import { freePort, LoadProcess } from '@test/bench/harness/processes';
import type { Comparison, Scenario, ScenarioContext } from '@test/bench/harness/scenario';
import { ratio, round } from '@test/bench/harness/stats';
import { judged, notRun } from '@test/bench/harness/targets';

interface Opened {
  opened: number;
  failed: number;
  errors: string[];
  elapsedMs: number;
}

interface IdleFigures {
  sockets: number;
  socketsOnServer: number | null;
  failed: number;
  errors: string[];
  openSeconds: number;
  rssBeforeMb: number;
  /** The highest RSS sampled once a second through the idle window. */
  rssMb: number;
  rssHighWaterMb: number;
  rssPerSocketKb: number;
  lag: EventLoopLag;
}

const RSS_TARGET_MB = 1536;

/**
 * Opens `count` idle sockets on one server from several client processes, then watches the
 * server through an idle window: RSS from /proc, event-loop delay from its /metrics.
 */
async function measureIdle(
  ctx: ScenarioContext,
  label: string,
  server: { pid: number; url: string; metricsPrefix: string },
  auths: Record<string, unknown>[],
  readyEvent: string,
  params: { count: number; clients: number; batch: number; settleMs: number; windowMs: number },
): Promise<IdleFigures> {
  const metricsUrl = `${server.url}/metrics`;
  await scrape(metricsUrl);
  const before = await readRss(server.pid);
  const clients: LoadProcess[] = Array.from({ length: params.clients }, (_, i) =>
    ctx.fork('load/socket-clients', `${label}-clients-${i}`),
  );
  try {
    const started = wallNow();
    const share = Math.ceil(params.count / params.clients);
    const opened = await Promise.all(
      clients.map((client, i) =>
        client.request<Opened>(
          'open',
          {
            url: server.url,
            count: Math.min(share, params.count - i * share),
            batch: params.batch,
            auths,
            readyEvent,
            timeoutMs: 30_000,
          },
          300_000,
        ),
      ),
    );
    const openSeconds = (wallNow() - started) / 1000;
    const sockets = opened.reduce((n, o) => n + o.opened, 0);
    ctx.progress(`${label}: ${sockets} sockets open in ${openSeconds.toFixed(1)} s; idle window`);
    await sleep(params.settleMs);
    await scrape(metricsUrl); // resets the delay histogram: what follows is the idle window only
    let rssMb = 0;
    const windowEnd = Date.now() + params.windowMs;
    while (Date.now() < windowEnd) {
      rssMb = Math.max(rssMb, (await readRss(server.pid)).rssMb);
      await sleep(1000);
    }
    const samples = await scrape(metricsUrl);
    const after = await readRss(server.pid);
    rssMb = Math.max(rssMb, after.rssMb);
    const gauge = [...samples.keys()].find((k) => k.endsWith('sockets_connected'));
    return {
      sockets,
      socketsOnServer: gauge ? (samples.get(gauge) ?? null) : null,
      failed: opened.reduce((n, o) => n + o.failed, 0),
      errors: opened.flatMap((o) => o.errors).slice(0, 5),
      openSeconds: round(openSeconds, 1),
      rssBeforeMb: before.rssMb,
      rssMb,
      rssHighWaterMb: after.hwmMb,
      rssPerSocketKb: sockets > 0 ? round(((rssMb - before.rssMb) * 1024) / sockets, 1) : 0,
      lag: eventLoopLag(samples, server.metricsPrefix),
    };
  } finally {
    await Promise.all(clients.map((c) => c.request('close', {}, 60_000).catch(() => null)));
    await Promise.all(clients.map((c) => c.stop()));
  }
}

export const connectionsScenario: Scenario = {
  name: 'connections',
  title: 'Idle authenticated sockets on one API process: RSS and event-loop delay',
  async run(ctx) {
    const count = ctx.quick ? 1_000 : 10_000;
    const params = {
      count,
      clients: ctx.quick ? 2 : 4,
      batch: 250,
      settleMs: ctx.quick ? 1_000 : 5_000,
      windowMs: ctx.quick ? 3_000 : 30_000,
      users: 10,
    };

    // The system: this scenario's own API process (no worker: idle sockets give it no jobs).
    const { server, api } = await ctx.api();
    const users = await ctx.users.ensure(api, 'agent', params.users);
    ctx.progress(`app: opening ${count.toLocaleString('en-US')} sockets for ${users.length} users`);
    const app = await measureIdle(
      ctx,
      'app',
      { pid: server.pid, url: server.url, metricsPrefix: 'switchboard_' },
      users.map((u) => ({ token: u.token })),
      'session.ready',
      params,
    );

    // The baseline: a bare Socket.IO server in its own process, the same number of sockets.
    const bare = ctx.fork('baselines/socketio-server', 'bare-socketio');
    let baseline: IdleFigures;
    try {
      const port = await freePort();
      await bare.request('listen', { port });
      ctx.progress(
        `baseline: opening ${count.toLocaleString('en-US')} sockets on a bare Socket.IO server`,
      );
      baseline = await measureIdle(
        ctx,
        'baseline',
        { pid: bare.pid, url: `http://127.0.0.1:${port}`, metricsPrefix: 'baseline_' },
        users.map((u) => ({ userId: u.id, rooms: ['role:agent'] })),
        'connect',
        params,
      );
    } finally {
      await bare.stop();
    }

    const comparisons: Comparison[] = [
      {
        metric: `RSS with ${count.toLocaleString('en-US')} idle sockets`,
        unit: 'MB',
        app: app.rssMb,
        baseline: baseline.rssMb,
        ratio: ratio(app.rssMb, baseline.rssMb),
        better: 'lower',
      },
      {
        metric: 'RSS per socket',
        unit: 'KB',
        app: app.rssPerSocketKb,
        baseline: baseline.rssPerSocketKb,
        ratio: ratio(app.rssPerSocketKb, baseline.rssPerSocketKb),
        better: 'lower',
      },
      {
        metric: 'event-loop delay p99 (net of 10 ms sampling)',
        unit: 'ms',
        app: app.lag.netP99Ms,
        baseline: baseline.lag.netP99Ms,
        ratio: ratio(app.lag.netP99Ms, baseline.lag.netP99Ms),
        better: 'lower',
      },
      {
        metric: 'event-loop delay max (net)',
        unit: 'ms',
        app: app.lag.netMaxMs,
        baseline: baseline.lag.netMaxMs,
        ratio: ratio(app.lag.netMaxMs, baseline.lag.netMaxMs),
        better: 'lower',
      },
      {
        metric: `time to open ${count.toLocaleString('en-US')} sockets`,
        unit: 's',
        app: app.openSeconds,
        baseline: baseline.openSeconds,
        ratio: ratio(app.openSeconds, baseline.openSeconds),
        better: 'lower',
      },
    ];
    const allOpen = app.failed === 0 && app.sockets === count;
    const figure = `${Math.round(app.rssMb)} MB RSS with ${app.sockets.toLocaleString('en-US')} sockets (high-water ${Math.round(app.rssHighWaterMb)} MB)`;
    const verdict = ctx.quick
      ? notRun(
          'connections.rss',
          `quick mode opens ${count.toLocaleString('en-US')} of 10,000 sockets (${figure})`,
        )
      : !allOpen
        ? judged(
            'connections.rss',
            false,
            `only ${app.sockets} of ${count} sockets opened (${app.failed} failed: ${app.errors[0] ?? ''})`,
            `< 1.5 GB (${RSS_TARGET_MB.toLocaleString('en-US')} MB)`,
          )
        : judged(
            'connections.rss',
            app.rssMb < RSS_TARGET_MB,
            figure,
            `< 1.5 GB (${RSS_TARGET_MB.toLocaleString('en-US')} MB)`,
          );
    return {
      status: 'ok',
      params,
      comparisons,
      figures: { app, baseline },
      targets: [verdict],
      notes: [
        `RSS is the highest VmRSS sampled each second through a ${params.windowMs / 1000} s idle window after all sockets opened; event-loop delay is prom-client's monitorEventLoopDelay histogram over that window (raw p99 app ${app.lag.p99Ms} ms, baseline ${baseline.lag.p99Ms} ms, both including the 10 ms sampling interval). Both servers ping every socket every 20 s, so the window holds at least one ping round; each server gets the same client processes on the same machine.`,
      ],
    };
  },
};
