import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Api, UserPool } from '@test/bench/harness/api';
import { machineFacts } from '@test/bench/harness/machine';
import { LoadProcess, stopAllProcesses } from '@test/bench/harness/processes';
import { Progress } from '@test/bench/harness/progress';
import {
  printTable,
  ScenarioReport,
  writeScenarioReport,
  writeSummary,
} from '@test/bench/harness/report';
import {
  BENCH_DIST_DIR,
  Scenario,
  ScenarioContext,
  ScenarioOutcome,
} from '@test/bench/harness/scenario';
import { ServerProcess, Sut } from '@test/bench/harness/sut';
import { allNotRun, SCENARIO_NAMES, ScenarioName } from '@test/bench/harness/targets';
import { SCENARIOS } from '@test/bench/scenarios';

/** dist-bench/test/bench → the repository root. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const RESULTS_DIR = path.join(REPO_ROOT, 'bench-results');

const USAGE = `usage: npm run bench [-- [--quick] [--no-build] [scenario ...]]
scenarios: ${SCENARIO_NAMES.join(', ')} (default: all)
  --quick     reduced sizes, under 2 minutes (what CI runs)
  --no-build  use the existing dist/ instead of running npm run build first`;

interface Args {
  scenarios: ScenarioName[];
  quick: boolean;
  build: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { scenarios: [], quick: false, build: true };
  for (const arg of argv) {
    if (arg === '--quick') args.quick = true;
    else if (arg === '--no-build') args.build = false;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if ((SCENARIO_NAMES as readonly string[]).includes(arg)) {
      args.scenarios.push(arg as ScenarioName);
    } else {
      console.error(`unknown argument '${arg}'\n${USAGE}`);
      process.exit(2);
    }
  }
  if (args.scenarios.length === 0) args.scenarios = [...SCENARIO_NAMES];
  return args;
}

/**
 * The processes of one scenario. Each scenario gets its own API and worker (the database and
 * users persist), so work left over by one scenario never runs inside another's measurement.
 */
class Processes {
  api: { server: ServerProcess; api: Api } | null = null;
  worker: ServerProcess | null = null;
  extra: ServerProcess[] = [];
  load: LoadProcess[] = [];
  /** Names the log files of the scenario's processes. */
  scenario = '';

  constructor(private readonly sut: Sut) {}

  async startApi() {
    if (this.api) return this.api;
    const server = await this.sut.startApi(`${this.scenario}-api`);
    this.api = { server, api: new Api(server.url) };
    return this.api;
  }

  async startWorker() {
    if (this.worker) return this.worker;
    this.worker = await this.sut.startWorker(`${this.scenario}-worker`);
    return this.worker;
  }

  /** What a scenario started ends with it. */
  async endScenario(): Promise<void> {
    await Promise.all(this.load.splice(0).map((p) => p.stop()));
    const servers = [...this.extra.splice(0), this.api?.server, this.worker].filter(
      (s): s is ServerProcess => s != null,
    );
    this.api = null;
    this.worker = null;
    await Promise.all(servers.map((s) => this.sut.stop(s)));
  }
}

function failed(name: ScenarioName, err: unknown): ScenarioOutcome {
  const message = err instanceof Error ? err.message : String(err);
  const firstLine = message.split('\n')[0];
  return {
    status: 'failed',
    reason: firstLine,
    params: {},
    comparisons: [],
    figures: {},
    targets: allNotRun(name, `scenario failed: ${firstLine}`),
    notes: [`failed: ${message}`],
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const logsDir = path.join(RESULTS_DIR, 'logs', runId);
  mkdirSync(logsDir, { recursive: true });
  const machine = machineFacts(REPO_ROOT);
  const progress = new Progress();
  progress.log(
    `switchboard bench ${runId} (${args.quick ? 'quick' : 'full'}): ${args.scenarios.join(', ')}\n` +
      `  ${machine.cores} × ${machine.cpuModel}, ${Math.round(machine.totalMemoryMb / 1024)} GB, Node ${machine.node}, open files ${machine.fileDescriptorLimit}\n` +
      `  logs: ${path.relative(REPO_ROOT, logsDir)}`,
  );

  if (args.build) {
    progress.log('building dist/ (npm run build)…');
    const build = spawnSync('npm', ['run', '--silent', 'build'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    if (build.status !== 0) {
      console.error('npm run build failed');
      return 1;
    }
  }

  const sut = new Sut(runId, REPO_ROOT, logsDir);
  const processes = new Processes(sut);
  let cleaned: Promise<void> | null = null;
  let interrupted = false;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await processes.endScenario().catch(() => undefined);
      await stopAllProcesses();
      await sut.destroy().catch((err: unknown) => console.error(`cleanup: ${String(err)}`));
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      progress.log(`\n${signal}: stopping every process this run started and removing its data…`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  const reports: ScenarioReport[] = [];
  try {
    await sut.createDatabase();
    const users = new UserPool(sut.admin);
    for (const name of args.scenarios) {
      if (interrupted) break;
      const scenario: Scenario = SCENARIOS[name];
      progress.startScenario(name);
      processes.scenario = name;
      progress.log(`\n▶ ${name}: ${scenario.title}`);
      const startedAt = new Date();
      const ctx: ScenarioContext = {
        name,
        quick: args.quick,
        runId,
        sut,
        users,
        api: () => processes.startApi(),
        worker: () => processes.startWorker(),
        secondApi: async () => {
          const server = await sut.startApi(`${name}-api-${processes.extra.length + 2}`);
          processes.extra.push(server);
          return { server, api: new Api(server.url) };
        },
        fork: (script, label, deadlineMs) => {
          const child = LoadProcess.start(label, path.join(BENCH_DIST_DIR, `${script}.js`), {
            cwd: REPO_ROOT,
            logFile: path.join(logsDir, `${name}-${label}.log`),
            deadlineMs: deadlineMs ?? (args.quick ? 180_000 : 900_000),
            onProgress: (source, text) => progress.transient(source, text),
          });
          processes.load.push(child);
          return child;
        },
        progress: (text) => progress.step(text),
      };
      let outcome: ScenarioOutcome;
      try {
        outcome = await scenario.run(ctx);
      } catch (err) {
        outcome = failed(name, err);
      }
      await processes.endScenario();
      const report: ScenarioReport = {
        scenario: name,
        title: scenario.title,
        runId,
        mode: args.quick ? 'quick' : 'full',
        startedAt: startedAt.toISOString(),
        durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
        machine,
        ...outcome,
      };
      writeScenarioReport(RESULTS_DIR, report);
      reports.push(report);
      progress.step(
        `${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''} (${report.durationSeconds} s)`,
      );
    }
  } finally {
    progress.startScenario('');
    progress.log('\ncleaning up (processes, database, Redis keys)…');
    await cleanup();
  }
  const summary = writeSummary(RESULTS_DIR, runId, machine);
  printTable(reports);
  progress.log(
    `\nresults: ${path.relative(REPO_ROOT, RESULTS_DIR)}/<scenario>.json, ${path.relative(REPO_ROOT, summary)}`,
  );
  return reports.some((r) => r.status === 'failed') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(err);
    await stopAllProcesses();
    process.exit(1);
  },
);
