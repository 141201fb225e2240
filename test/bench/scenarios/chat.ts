import { randomUUID } from 'node:crypto';
import type { Api, BenchUser } from '@test/bench/harness/api';
import { perCall, sampleAll } from '@test/bench/harness/probe';
import { freePort } from '@test/bench/harness/processes';
import type { Comparison, Scenario, ScenarioContext } from '@test/bench/harness/scenario';
import type { ServerProcess } from '@test/bench/harness/sut';
import { LatencySummary, ratio, round, summarise } from '@test/bench/harness/stats';
import { judged, notRun } from '@test/bench/harness/targets';
import { openSocket, whenReady } from '@test/bench/load/sockets';

interface SendResult {
  sent: number;
  sendSeconds: number;
  acked: number;
  ackErrors: Record<string, number>;
  ackMs: LatencySummary | null;
}

interface ChatFigures {
  users: number;
  sent: number;
  acked: number;
  received: number;
  ackErrors: Record<string, number>;
  achievedRate: number;
  receiptMs: LatencySummary | null;
  ackMs: (LatencySummary | null)[];
  /** API and worker together over the send window, per message sent (app only). */
  perMessage?: ReturnType<typeof perCall>;
}

interface ChatUser {
  userId: string;
  peerId: string;
  roomId?: string;
  auth: Record<string, unknown>;
}

const P99_TARGET_MS = 25;

/**
 * Whether the API takes `chat.send`: the gateway answers an event nobody handles with
 * `UNKNOWN_EVENT` through the acknowledgement.
 */
async function chatPresent(api: Api, token: string): Promise<{ present: boolean; detail: string }> {
  const socket = openSocket(api.url, { token }, 10_000);
  try {
    await whenReady(socket, 'connect', 10_000);
    const ack = (await socket.timeout(5_000).emitWithAck('chat.send', {
      roomId: randomUUID(),
      clientMsgId: 'bench-probe',
      text: 'probe',
    })) as { ok: boolean; error?: { code: string } };
    const code = ack.ok ? 'ok' : (ack.error?.code ?? 'error');
    return { present: code !== 'UNKNOWN_EVENT', detail: `chat.send answered ${code}` };
  } catch (err) {
    return { present: false, detail: `probe failed: ${String(err)}` };
  } finally {
    socket.disconnect();
  }
}

/** One direct room per pair (user i with user i + n/2), created by the first of the pair. */
async function pairRooms(api: Api, users: BenchUser[]): Promise<ChatUser[]> {
  const half = users.length / 2;
  const out: ChatUser[] = new Array<ChatUser>(users.length);
  for (let i = 0; i < half; i += 10) {
    await Promise.all(
      users.slice(i, Math.min(half, i + 10)).map(async (a, k) => {
        const b = users[i + k + half];
        const room = await api.call<{ id: string }>('POST', '/api/chat/rooms', {
          token: a.token,
          body: { kind: 'direct', memberIds: [b.id] },
        });
        if (room.status !== 200 && room.status !== 201) {
          throw new Error(
            `POST /api/chat/rooms answered ${room.status}: ${JSON.stringify(room.body)}`,
          );
        }
        out[i + k] = { userId: a.id, peerId: b.id, roomId: room.body.id, auth: { token: a.token } };
        out[i + k + half] = {
          userId: b.id,
          peerId: a.id,
          roomId: room.body.id,
          auth: { token: b.token },
        };
      }),
    );
  }
  return out;
}

async function drive(
  ctx: ScenarioContext,
  label: string,
  url: string,
  mode: 'app' | 'baseline',
  users: ChatUser[],
  params: { rate: number; seconds: number },
  servers: ServerProcess[] = [],
): Promise<ChatFigures> {
  const half = users.length / 2;
  const procs = [users.slice(0, half), users.slice(half)].map((share, i) => ({
    share,
    proc: ctx.fork('load/chat-clients', `${label}-${i}`),
  }));
  try {
    await Promise.all(
      procs.map(({ proc, share }) =>
        proc.request(
          'connect',
          { url, users: share, mode, readyEvent: mode === 'app' ? 'session.ready' : 'connect' },
          300_000,
        ),
      ),
    );
    ctx.progress(
      `${label}: ${users.length} users connected; ${params.rate} msg/s for ${params.seconds} s`,
    );
    const windowStart = await sampleAll(servers);
    const sends = await Promise.all(
      procs.map(({ proc }, i) =>
        proc.request<SendResult>(
          'send',
          { rate: params.rate / 2, seconds: params.seconds, tag: `${label}${i}` },
          600_000,
        ),
      ),
    );
    const got = await Promise.all(
      procs.map(({ proc }) =>
        proc.request<{ received: number; latencies: number[] }>(
          'receipts',
          { graceMs: 1_000 },
          60_000,
        ),
      ),
    );
    const windowEnd = await sampleAll(servers);
    const ackErrors: Record<string, number> = {};
    for (const s of sends)
      for (const [k, v] of Object.entries(s.ackErrors)) ackErrors[k] = (ackErrors[k] ?? 0) + v;
    const sent = sends.reduce((n, s) => n + s.sent, 0);
    return {
      users: users.length,
      sent,
      acked: sends.reduce((n, s) => n + s.acked, 0),
      received: got.reduce((n, g) => n + g.received, 0),
      ackErrors,
      achievedRate: round(sent / Math.max(...sends.map((s) => s.sendSeconds)), 0),
      receiptMs: summarise(got.flatMap((g) => g.latencies)),
      ackMs: sends.map((s) => s.ackMs),
      ...(servers.length > 0 ? { perMessage: perCall(windowStart, windowEnd, sent) } : {}),
    };
  } finally {
    await Promise.all(procs.map(({ proc }) => proc.request('close', {}, 30_000).catch(() => null)));
    await Promise.all(procs.map(({ proc }) => proc.stop()));
  }
}

export const chatScenario: Scenario = {
  name: 'chat',
  title: 'Chat: emit → recipient receipt among connected users (stored before ack)',
  async run(ctx) {
    const params = ctx.quick
      ? { users: 100, rate: 200, seconds: 3 }
      : { users: 500, rate: 1_000, seconds: 30 };
    const { api, server: apiServer } = await ctx.api();
    const workerServer = await ctx.worker();
    const probeUser = (await ctx.users.ensure(api, 'agent', 1))[0];
    const probe = await chatPresent(api, probeUser.token);

    let app: ChatFigures | null = null;
    if (probe.present) {
      ctx.progress(`app: creating ${params.users} users and ${params.users / 2} direct rooms`);
      const users = await ctx.users.ensure(api, 'agent', params.users, (n) =>
        ctx.progress(`${n} users ready`),
      );
      app = await drive(ctx, 'chat-app', api.url, 'app', await pairRooms(api, users), params, [
        apiServer,
        workerServer,
      ]);
    } else {
      ctx.progress(`app: not run (${probe.detail}: feature not present)`);
    }

    // The baseline: a bare Socket.IO relay A → server → B with the same users, rate and processes.
    const bare = ctx.fork('baselines/socketio-server', 'bare-socketio');
    let baseline: ChatFigures;
    try {
      const port = await freePort();
      await bare.request('listen', { port });
      const ids = Array.from({ length: params.users }, (_, i) => `u${i}`);
      const half = params.users / 2;
      const users: ChatUser[] = ids.map((id, i) => ({
        userId: id,
        peerId: ids[(i + half) % params.users],
        auth: { userId: id },
      }));
      baseline = await drive(
        ctx,
        'chat-baseline',
        `http://127.0.0.1:${port}`,
        'baseline',
        users,
        params,
      );
    } finally {
      await bare.stop();
    }

    const comparisons: Comparison[] = [
      {
        metric: `receipt p50 at ${params.rate} msg/s`,
        unit: 'ms',
        app: app?.receiptMs?.p50 ?? null,
        baseline: baseline.receiptMs?.p50 ?? null,
        ratio: ratio(app?.receiptMs?.p50, baseline.receiptMs?.p50),
        better: 'lower',
      },
      {
        metric: `receipt p99 at ${params.rate} msg/s`,
        unit: 'ms',
        app: app?.receiptMs?.p99 ?? null,
        baseline: baseline.receiptMs?.p99 ?? null,
        ratio: ratio(app?.receiptMs?.p99, baseline.receiptMs?.p99),
        better: 'lower',
      },
      {
        metric: 'ack p99 (sender 1)',
        unit: 'ms',
        app: app?.ackMs[0]?.p99 ?? null,
        baseline: baseline.ackMs[0]?.p99 ?? null,
        ratio: ratio(app?.ackMs[0]?.p99, baseline.ackMs[0]?.p99),
        better: 'lower',
      },
    ];
    const target = `p99 ≤ ${P99_TARGET_MS} ms`;
    const verdict = !app
      ? notRun(
          'chat.p99',
          `feature not present (${probe.detail}); baseline bare relay p99 ${baseline.receiptMs?.p99 ?? '—'} ms`,
        )
      : ctx.quick
        ? notRun(
            'chat.p99',
            `quick mode: ${params.users} users at ${params.rate} msg/s (p99 ${app.receiptMs?.p99 ?? '—'} ms)`,
          )
        : judged(
            'chat.p99',
            (app.receiptMs?.p99 ?? Infinity) <= P99_TARGET_MS && app.received === app.sent,
            `p99 ${app.receiptMs?.p99 ?? '—'} ms, ${app.received}/${app.sent} received at ${app.achievedRate} msg/s`,
            target,
          );
    const notes: string[] = [];
    if (app && (app.received !== app.sent || Object.keys(app.ackErrors).length > 0)) {
      notes.push(
        `app: ${app.received}/${app.sent} received, ack errors ${JSON.stringify(app.ackErrors)}.`,
      );
    }
    if (app?.perMessage) {
      const m = app.perMessage;
      notes.push(
        `app per message sent (API + worker, send window): ${m.statements} SQL statements, ${m.redisCommands} Redis commands in ${m.redisRoundTrips} round trips, ${m.cpuMs} ms CPU.`,
      );
    }
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
