import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Comparison, Scenario } from '@test/bench/harness/scenario';
import { ratio, round } from '@test/bench/harness/stats';
import { judged, notRun } from '@test/bench/harness/targets';

const TARGET_LINES_PER_SECOND = 20_000;
const BASELINE_TABLE = 'bench_import_baseline';
const CLI = 'dist/src/modules/pbx/cli/history-import.cli.js';

/**
 * A queue_log of `calls` calls, a call every 3 s over 8 queues and 20 agents: DID, ENTERQUEUE,
 * a RINGNOANSWER for one call in three, CONNECT and COMPLETECALLER, or ABANDON for one in eight;
 * and agent-session noise (PAUSE/UNPAUSE) every tenth call, as a real log has. One call's lines
 * at a time, so a file of any size can be written from it (test/bench/tools/queue-log-file.ts).
 */
export function* queueLogCalls(calls: number, tag: string): Generator<string[]> {
  const start = Date.parse('2025-06-02T06:00:00Z') / 1000;
  for (let n = 0; n < calls; n++) {
    const lines: string[] = [];
    const t = start + n * 3;
    const id = `${tag}${t}.${n}`;
    const queue = `q${n % 8}`;
    const agent = `PJSIP/${2000 + (n % 20)}`;
    lines.push(`${t}|${id}|${queue}|NONE|DID|2015550100`);
    lines.push(
      `${t}|${id}|${queue}|NONE|ENTERQUEUE||+1201555${String(n % 10000).padStart(4, '0')}|1`,
    );
    if (n % 8 === 7) {
      lines.push(`${t + 20}|${id}|${queue}|NONE|ABANDON|1|1|20`);
      yield lines;
      continue;
    }
    if (n % 3 === 0)
      lines.push(`${t + 5}|${id}|${queue}|PJSIP/${2000 + ((n + 1) % 20)}|RINGNOANSWER|5000`);
    lines.push(`${t + 9}|${id}|${queue}|${agent}|CONNECT|9|${id}1|2`);
    lines.push(`${t + 129}|${id}|${queue}|${agent}|COMPLETECALLER|9|120|1`);
    if (n % 10 === 0) lines.push(`${t + 1}|NONE|${queue}|${agent}|PAUSE|lunch`);
    yield lines;
  }
}

function queueLog(calls: number, tag: string): string[] {
  const lines: string[] = [];
  for (const call of queueLogCalls(calls, tag)) lines.push(...call);
  return lines;
}

/** The same rows as ten fixed columns, for COPY. */
function copyRows(lines: readonly string[]): string {
  return lines
    .map((line) => {
      const fields = line.split('|');
      while (fields.length < 10) fields.push('');
      return fields.slice(0, 10).join('|');
    })
    .join('\n');
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

export const importScenario: Scenario = {
  name: 'import',
  title: 'History import: queue_log lines/s parsed and stored, beside a plain COPY of the rows',
  async run(ctx) {
    const calls = ctx.quick ? 5_000 : 60_000;
    const tag = `b${ctx.runId}-`;
    const lines = queueLog(calls, tag);
    const params = { calls, lines: lines.length, shape: 'see test/bench/scenarios/import.ts' };
    // The API applies the migrations; the import runs as the CLI a person would start.
    await ctx.api();
    const dir = await mkdtemp(path.join(tmpdir(), 'sb-bench-import-'));
    try {
      const logFile = path.join(dir, 'queue_log');
      const copyFile = path.join(dir, 'rows.txt');
      await writeFile(logFile, `${lines.join('\n')}\n`);
      await writeFile(copyFile, `${copyRows(lines)}\n`);
      const repoRoot = path.resolve(__dirname, '../../../..');
      const present = await import('node:fs').then((fs) => fs.existsSync(path.join(repoRoot, CLI)));

      let app: { linesPerSecond: number; seconds: number; summary: string } | null = null;
      if (present) {
        ctx.progress(`app: npm run import of ${lines.length} queue_log lines`);
        const res = await run(process.execPath, [CLI, '--format', 'queue_log', logFile], {
          cwd: repoRoot,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            NODE_ENV: 'development',
            DATABASE_URL: ctx.sut.databaseUrl,
            REDIS_URL: ctx.sut.redisUrl,
            REDIS_PREFIX: ctx.sut.redisPrefix,
            MIGRATE_ON_START: 'false',
            LOG_LEVEL: 'warn',
          },
        });
        const figure = /read in ([\d.]+) s \((\d+) lines\/s\)/.exec(res.stdout);
        if (res.code !== 0 || !figure) {
          throw new Error(`import failed (${res.code}): ${res.stdout} ${res.stderr.slice(-2000)}`);
        }
        app = {
          linesPerSecond: Number(figure[2]),
          seconds: Number(figure[1]),
          summary: res.stdout.trim(),
        };
      }

      ctx.progress('baseline: the same rows with psql \\copy');
      await ctx.sut.sql((c) =>
        c.query(`create table if not exists ${BASELINE_TABLE} (
          time text, callid text, queuename text, agent text, event text,
          data1 text, data2 text, data3 text, data4 text, data5 text)`),
      );
      const copy = await run(
        'psql',
        [
          ctx.sut.databaseUrl,
          '-v',
          'ON_ERROR_STOP=1',
          '-c',
          `\\copy ${BASELINE_TABLE} from '${copyFile}' with (format text, delimiter '|')`,
        ],
        { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME } },
      );
      if (copy.code !== 0) throw new Error(`COPY failed: ${copy.stderr}`);
      const baseline = { linesPerSecond: round(lines.length / (copy.ms / 1000), 0) };

      const comparisons: Comparison[] = [
        {
          metric: 'queue_log lines parsed and stored per second',
          unit: 'lines/s',
          app: app?.linesPerSecond ?? null,
          baseline: baseline.linesPerSecond,
          ratio: ratio(app?.linesPerSecond, baseline.linesPerSecond),
          better: 'higher',
        },
      ];
      const verdict = app
        ? judged(
            'import.rate',
            app.linesPerSecond >= TARGET_LINES_PER_SECOND,
            `${app.linesPerSecond.toLocaleString('en-US')} lines/s over ${app.seconds} s`,
            `≥ ${TARGET_LINES_PER_SECOND.toLocaleString('en-US')} lines/s`,
          )
        : notRun('import.rate', 'feature not present (no import CLI in dist/)');
      return {
        status: app ? 'ok' : 'partial',
        reason: app ? undefined : 'feature not present: baseline only',
        params,
        comparisons,
        figures: { app, baseline },
        targets: [verdict],
        notes: [
          'The app figure is the CLI reading, parsing and storing through the ingest (boot and the statistics rebuild excluded); the baseline is one COPY of the same rows split into ten text columns.',
        ],
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
