import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Api, UserPool } from '@test/bench/harness/api';
import { sleep, waitUntil } from '@test/bench/harness/clock';
import { addQueueMembers, createApiKey, createLineAndQueue } from '@test/bench/harness/fixtures';
import { machineFacts } from '@test/bench/harness/machine';
import { stopAllProcesses } from '@test/bench/harness/processes';
import { Progress } from '@test/bench/harness/progress';
import { analyse } from '@test/chaos/analysis';
import { FAULT_NAMES, FaultRecord, runFaults } from '@test/chaos/faults';
import { ContractClient, ContractClientStats } from '@test/chaos/harness/contract-client';
import { AppProcesses, PostgresServer, RedisServer } from '@test/chaos/harness/infra';
import { FailoverRest } from '@test/chaos/harness/rest';
import { Timeline } from '@test/chaos/harness/timeline';
import { checksOf, ChaosReport, printTables, writeReport } from '@test/chaos/report';
import { BroadcastsScenario } from '@test/chaos/scenarios/broadcasts';
import { Agent, CallsScenario } from '@test/chaos/scenarios/calls';
import { ChatPair, ChatScenario } from '@test/chaos/scenarios/chat';
import type { ChaosContext, ChaosUser } from '@test/chaos/scenarios/context';
import { Prober } from '@test/chaos/scenarios/prober';

/** dist-chaos/test/chaos → the repository root. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const RESULTS_DIR = path.join(REPO_ROOT, 'chaos-results');
/**
 * Below Linux's ephemeral range (32768–60999 by default): a port inside it can be taken, between
 * the check that it is free and the listen, by the local end of one of the suite's own client
 * connections (api1's migrations to its PostgreSQL once took 56502 that way: EADDRINUSE).
 */
const API_PORTS: [number, number] = [31502, 31503];
const PG_PORT = 31500;
const REDIS_PORT = 31501;

const USAGE = `usage: npm run chaos [-- [--quick] [--no-build]]
  --quick     reduced sizes and durations, under 3 minutes (what CI runs)
  --no-build  use the existing dist/ instead of running npm run build first`;

const SIZES = {
  quick: {
    chatPairs: 2,
    chatIntervalMs: 150,
    probeIntervalMs: 300,
    agents: 3,
    callIntervalMs: 1000,
    holdMs: 1500,
    broadcastIntervalMs: 3000,
    baselineMs: 1000,
    processDownMs: 1000,
    serviceDownMs: 3000,
    recoveryLimitMs: 25_000,
    aftermathMs: 1000,
    // The settle ends as soon as everything acknowledged has arrived; this is its limit. Longer
    // than the offer timeout and the routing recovery sweep (15 s each), so a call whose offer or
    // routing was lost is offered again and taken before anything is counted lost.
    settleMs: 20_000,
    minSettleMs: 2000,
    maxPerLoop: 2000,
    deadlineMs: 150_000,
  },
  full: {
    chatPairs: 4,
    chatIntervalMs: 80,
    probeIntervalMs: 250,
    agents: 6,
    callIntervalMs: 500,
    holdMs: 2000,
    broadcastIntervalMs: 2000,
    baselineMs: 10_000,
    processDownMs: 5000,
    serviceDownMs: 5000,
    recoveryLimitMs: 30_000,
    aftermathMs: 15_000,
    settleMs: 30_000,
    minSettleMs: 10_000,
    maxPerLoop: 20_000,
    deadlineMs: 600_000,
  },
};
type Sizes = (typeof SIZES)['quick'];

function parseArgs(argv: string[]): { quick: boolean; build: boolean } {
  const args = { quick: false, build: true };
  for (const arg of argv) {
    if (arg === '--quick') args.quick = true;
    else if (arg === '--no-build') args.build = false;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`unknown argument '${arg}'\n${USAGE}`);
      process.exit(2);
    }
  }
  return args;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function sumStats(all: ContractClientStats[]): ContractClientStats {
  const out = { ...all[0] };
  for (const key of Object.keys(out) as (keyof ContractClientStats)[]) {
    out[key] = all.reduce((n, s) => n + s[key], 0);
  }
  return out;
}

/** Everything the run started, for the cleanup on success, error and Ctrl-C alike. */
class Resources {
  postgres: PostgresServer | null = null;
  redis: RedisServer | null = null;
  apps: AppProcesses | null = null;
  clients: ContractClient[] = [];
  probers: Prober[] = [];
  private done: Promise<void> | null = null;

  constructor(
    readonly tmpDir: string,
    readonly logsDir: string,
  ) {}

  cleanup(): Promise<void> {
    return (this.done ??= (async () => {
      for (const p of this.probers) p.stop();
      await Promise.all(this.clients.map((c) => c.close()));
      await this.apps?.stopAll().catch(() => undefined);
      await stopAllProcesses();
      this.cleanupSync();
    })());
  }

  /** Also run on process exit: nothing the run started survives it. */
  cleanupSync(): void {
    this.apps?.killAllSync();
    this.redis?.destroy();
    try {
      copyFileSync(
        path.join(this.tmpDir, 'pg', 'postgres.log'),
        path.join(this.logsDir, 'postgres.log'),
      );
    } catch {
      // no log yet
    }
    this.postgres?.destroy();
    rmSync(this.tmpDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const sizes: Sizes = args.quick ? SIZES.quick : SIZES.full;
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const tag = `chaos${runId}`;
  const logsDir = path.join(RESULTS_DIR, 'logs', runId);
  mkdirSync(logsDir, { recursive: true });
  const progress = new Progress();
  progress.startScenario('chaos');
  const log = (text: string) => progress.step(text);
  const machine = machineFacts(REPO_ROOT);
  const startedAt = new Date();
  progress.log(
    `switchboard chaos ${runId} (${args.quick ? 'quick' : 'full'}): ${machine.cores} × ${machine.cpuModel}, Node ${machine.node}\n  logs: ${path.relative(REPO_ROOT, logsDir)}`,
  );

  for (const port of [...API_PORTS, PG_PORT, REDIS_PORT]) {
    if (await portInUse(port)) {
      console.error(
        `port ${port} is in use on 127.0.0.1: the chaos suite needs ${API_PORTS.join(', ')}, ${PG_PORT} and ${REDIS_PORT}`,
      );
      return 2;
    }
  }
  if (args.build) {
    log('building dist/ (npm run build)…');
    const build = spawnSync('npm', ['run', '--silent', 'build'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    if (build.status !== 0) {
      console.error('npm run build failed');
      return 2;
    }
  }

  const res = new Resources(mkdtempSync(path.join(os.tmpdir(), 'sb-chaos-')), logsDir);
  process.once('exit', () => res.cleanupSync());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress.log(`\n${signal}: stopping every process this run started and removing its data…`);
      void res.cleanup().finally(() => process.exit(130));
    });
  }

  try {
    const report = await run(res, sizes, { runId, tag, logsDir, log, quick: args.quick });
    report.startedAt = startedAt.toISOString();
    report.durationSeconds = Math.round((Date.now() - startedAt.getTime()) / 1000);
    report.machine = machine;
    log('cleaning up (processes, PostgreSQL, Redis)…');
    await res.cleanup();
    const files = writeReport(RESULTS_DIR, report);
    printTables(report);
    progress.log(
      `${report.passed ? 'PASSED' : 'FAILED'} in ${report.durationSeconds} s — ${path.relative(REPO_ROOT, files.md)}, ${path.relative(REPO_ROOT, files.json)}`,
    );
    return report.passed ? 0 : 1;
  } catch (err) {
    console.error(err instanceof Error ? err.stack : err);
    await res.cleanup();
    return 2;
  }
}

async function run(
  res: Resources,
  sizes: Sizes,
  opts: { runId: string; tag: string; logsDir: string; log: (t: string) => void; quick: boolean },
): Promise<ChaosReport> {
  const { log, tag } = opts;
  log('starting PostgreSQL and Redis of its own…');
  const postgres = new PostgresServer(path.join(res.tmpDir, 'pg'), PG_PORT);
  res.postgres = postgres;
  postgres.init();
  postgres.start();
  const redis = new RedisServer(
    path.join(res.tmpDir, 'redis'),
    REDIS_PORT,
    path.join(opts.logsDir, 'redis.log'),
  );
  res.redis = redis;
  await redis.start();

  const admin = { username: 'chaos-admin', password: 'chaos-admin-password' };
  const apps = new AppProcesses(REPO_ROOT, opts.logsDir, {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'sbchaos',
    JWT_SECRET: randomBytes(32).toString('hex'),
    HOST: '127.0.0.1',
    ADMIN_USERNAME: admin.username,
    ADMIN_PASSWORD: admin.password,
    LOG_LEVEL: 'warn',
    NO_COLOR: '1',
    CORS_ORIGINS: '*',
    LOGIN_ATTEMPTS_PER_MINUTE: '100000',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  res.apps = apps;
  log('starting API #1 (migrations), then API #2 and the worker…');
  await apps.startApi('api1', API_PORTS[0]);
  await Promise.all([apps.startApi('api2', API_PORTS[1]), apps.startWorker('worker')]);
  const urls = API_PORTS.map((p) => `http://127.0.0.1:${p}`);

  log('creating staff, a queue with members, a line, an API key…');
  const api = new Api(urls[0]);
  const pool = new UserPool(admin);
  const adminToken = await pool.token(api);
  const agentCount = sizes.chatPairs * 2 + 2 + sizes.agents;
  const agentUsers: ChaosUser[] = await pool.ensure(api, 'agent', agentCount);
  const [supervisor] = await pool.ensure(api, 'supervisor', 1);
  // Receptionists get no broadcast (sent to agents): after their one message nothing else arrives
  // that would reveal a gap, as for a person whose chat is quiet after a fault.
  const [quietSender, ...quietRecipients] = await pool.ensure(
    api,
    'receptionist',
    FAULT_NAMES.length + 1,
  );
  const chatUsers = agentUsers.slice(0, sizes.chatPairs * 2);
  const probeUsers = agentUsers.slice(sizes.chatPairs * 2, sizes.chatPairs * 2 + 2);
  const callAgents = agentUsers.slice(sizes.chatPairs * 2 + 2);
  const { lineCode, queueCode, queueId } = await createLineAndQueue(api, adminToken, tag);
  await addQueueMembers(
    api,
    adminToken,
    queueId,
    callAgents.map((u) => u.id),
  );
  const apiKey = await createApiKey(api, adminToken);

  const timeline = new Timeline();
  let stopping = false;
  const deadline = Date.now() + sizes.deadlineMs;
  const ctx: ChaosContext = {
    timeline,
    rest: new FailoverRest(urls, timeline),
    urls,
    tag,
    stopping: () => stopping,
    deadline,
  };
  const chat = new ChatScenario(ctx);
  const calls = new CallsScenario(ctx, { apiKey, lineCode, queueCode, holdMs: sizes.holdMs });
  const broadcasts = new BroadcastsScenario(ctx, supervisor);

  const socketUsers = [...agentUsers, quietSender, ...quietRecipients];
  log(
    `connecting ${socketUsers.length} socket clients (delivery contract, failover between the APIs)…`,
  );
  const clients = new Map<string, ContractClient>();
  const agents: Agent[] = [];
  socketUsers.forEach((user, i) => {
    // The quiet sender starts on API #1, its recipients on API #2; the others alternate.
    const first = user === quietSender ? 0 : quietRecipients.includes(user) ? 1 : i % urls.length;
    const order = [...urls.slice(first), ...urls.slice(0, first)];
    const agentRef: { agent: Agent | null } = { agent: null };
    const client = new ContractClient({
      name: user.username,
      token: user.token,
      urls: order,
      onShown: (event, payload, via) => {
        chat.onShown(user.id, event, payload, via);
        broadcasts.onShown(user, client, event, payload, via);
      },
      onLive: (event, payload) => {
        if (agentRef.agent) calls.onLive(agentRef.agent, event, payload);
      },
      onResync: (reason) => timeline.tally(`${reason}-resync`),
    });
    if (callAgents.includes(user)) {
      agentRef.agent = { user, client };
      agents.push(agentRef.agent);
    }
    clients.set(user.id, client);
    res.clients.push(client);
  });
  await Promise.all([...clients.values()].map((c) => c.start()));
  const pairs: ChatPair[] = [];
  const pairOf = (name: string, a: ChaosUser, b: ChaosUser, probe: boolean) =>
    ChatScenario.createRoom(ctx, a, b).then((roomId) =>
      pairs.push({
        name,
        a: { user: a, client: clients.get(a.id) as ContractClient },
        b: { user: b, client: clients.get(b.id) as ContractClient },
        roomId,
        probe,
      }),
    );
  for (let p = 0; p < sizes.chatPairs; p++) {
    await pairOf(`pair${p}`, chatUsers[2 * p], chatUsers[2 * p + 1], false);
  }
  await pairOf('probe', probeUsers[0], probeUsers[1], true);
  const quietPairs = new Map<string, ChatPair>();
  for (const [i, name] of FAULT_NAMES.entries()) {
    await pairOf(`quiet-${name}`, quietSender, quietRecipients[i], false);
    quietPairs.set(name, pairs[pairs.length - 1]);
  }
  for (const agent of agents) {
    if (!(await calls.setAvailable(agent)))
      throw new Error(`${agent.user.username} could not go available`);
  }

  const prober = new Prober(ctx, probeUsers[0].token);
  res.probers.push(prober);
  const background = [prober.requests(500), prober.health()];
  const load = [
    ...pairs
      .filter((pair) => !pair.name.startsWith('quiet-'))
      .flatMap((pair) =>
        pair.probe
          ? [chat.sendLoop(pair, 'a', sizes.probeIntervalMs, sizes.maxPerLoop)]
          : [
              chat.sendLoop(pair, 'a', sizes.chatIntervalMs, sizes.maxPerLoop),
              chat.sendLoop(pair, 'b', sizes.chatIntervalMs, sizes.maxPerLoop),
            ],
      ),
    calls.arrivals(sizes.callIntervalMs, sizes.maxPerLoop),
    broadcasts.loop(sizes.broadcastIntervalMs, sizes.maxPerLoop),
  ];

  timeline.enter('baseline');
  log(
    `load running (chat ${sizes.chatPairs} pairs + a probe pair, calls, broadcasts); baseline ${sizes.baselineMs / 1000} s`,
  );
  await sleep(sizes.baselineMs);
  const faults: FaultRecord[] = await runFaults(
    FAULT_NAMES,
    {
      apps,
      postgres,
      redis,
      apiPorts: API_PORTS,
      timeline,
      prober,
      chat,
      log,
      duringFault: async (name) => {
        const pair = quietPairs.get(name);
        if (pair) await chat.sendOne(pair, 'a', 0);
      },
      rebalance: async () => {
        const moved = [...clients.values()].filter((c) => c.rebalance());
        await Promise.all(moved.map((c) => c.whenReady(10_000)));
        return moved.length;
      },
    },
    sizes,
    deadline - sizes.settleMs,
  );

  timeline.enter('settle');
  stopping = true;
  log(
    `load stopped; settling until everything acknowledged arrived (${sizes.minSettleMs / 1000}–${sizes.settleMs / 1000} s: offers again, routing recovery, replays)…`,
  );
  await Promise.all(load);
  const settleStarted = Date.now();
  // Every acknowledged message shown, every acknowledged call taken and hung up, every
  // acknowledged broadcast shown to each recipient: nothing more can arrive that would change a
  // figure. Anything still missing at the limit is counted by the analysis.
  const settled = () =>
    [...chat.messages.values()].every((m) => m.ackedAt === null || m.shownAt !== null) &&
    [...calls.calls.values()].every(
      (c) => c.ackedAt === null || (c.acceptedBy.length > 0 && c.endedAt !== null),
    ) &&
    broadcasts.sent.every((b) => b.id === null || broadcasts.receiptsOf(b.id) >= agentUsers.length);
  await waitUntil(settled, sizes.settleMs, 200);
  await sleep(Math.max(0, settleStarted + sizes.minSettleMs - Date.now()));
  log(`  settled after ${((Date.now() - settleStarted) / 1000).toFixed(1)} s`);
  prober.stop();
  await Promise.all(background);

  const lastShown = [...clients.entries()].map(([userId, c]) => ({ userId, last: c.last }));
  log(
    'diagnostic reconnect of every client with since = last (finds what was stored but not pushed)…',
  );
  timeline.enter('final-reconnect');
  chat.finalReconnect = true;
  broadcasts.finalReconnect = true;
  for (const c of clients.values()) c.reconnect();
  await Promise.all([...clients.values()].map((c) => c.whenReady(10_000)));
  await sleep(1000);

  log('reading the database…');
  const analysis = await analyse({
    tag,
    chat,
    calls,
    broadcasts,
    agentIds: callAgents.map((u) => u.id),
    broadcastRecipients: agentUsers.length,
    timeline,
    postgres,
    clients: lastShown,
    connectedAt: (userId, at) => clients.get(userId)?.connectedAt(at) ?? false,
    pushFaults: faults
      .filter((f) => f.name !== 'postgres-restart')
      .map((f) => ({ from: f.injectedAt, to: f.endedAt ?? Date.now() })),
  });
  const { checks, warnings } = checksOf(analysis, faults);
  return {
    runId: opts.runId,
    mode: opts.quick ? 'quick' : 'full',
    startedAt: '',
    durationSeconds: 0,
    machine: machineFacts(REPO_ROOT),
    sizes,
    faults,
    analysis,
    clientStats: sumStats([...clients.values()].map((c) => c.stats)),
    checks,
    warnings,
    passed: checks.every((c) => c.ok),
  };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
