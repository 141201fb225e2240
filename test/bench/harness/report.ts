import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MachineFacts } from '@test/bench/harness/machine';
import type { Comparison, ScenarioOutcome } from '@test/bench/harness/scenario';
import { SCENARIO_NAMES, ScenarioName, TARGETS, Verdict } from '@test/bench/harness/targets';

export interface ScenarioReport extends ScenarioOutcome {
  scenario: ScenarioName;
  title: string;
  runId: string;
  mode: 'quick' | 'full';
  startedAt: string;
  durationSeconds: number;
  machine: MachineFacts;
}

export function writeScenarioReport(dir: string, report: ScenarioReport): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${report.scenario}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

function readReports(dir: string): Map<ScenarioName, ScenarioReport> {
  const out = new Map<ScenarioName, ScenarioReport>();
  for (const file of readdirSync(dir)) {
    const name = file.replace(/\.json$/, '') as ScenarioName;
    if (!file.endsWith('.json') || !SCENARIO_NAMES.includes(name)) continue;
    try {
      out.set(name, JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as ScenarioReport);
    } catch {
      // a damaged file from an interrupted run: treated as not run
    }
  }
  return out;
}

export function fmt(value: number | null | undefined, unit = ''): string {
  if (value == null || !Number.isFinite(value)) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits });
  return unit ? `${text} ${unit}` : text;
}

function verdictText(v: Verdict): string {
  return v.verdict === 'not run'
    ? `not run: ${v.reason}`
    : `${v.verdict} — ${v.figure} (target ${v.target})`;
}

function ratioText(c: Comparison): string {
  return c.ratio == null ? '—' : `${c.ratio}×`;
}

/**
 * One line per target of the feature issues, from the latest report of each scenario (this
 * run's, or an earlier run's marked as such), then the figures side by side.
 */
export function writeSummary(dir: string, runId: string, machine: MachineFacts): string {
  const reports = readReports(dir);
  const lines: string[] = ['# Benchmark summary', ''];
  const pkgs = Object.entries(machine.packages)
    .map(([name, version]) => `${name} ${version ?? '?'}`)
    .join(', ');
  lines.push(
    `Run \`${runId}\` at ${new Date().toISOString()} on ${machine.cores} × ${machine.cpuModel}, ` +
      `${Math.round(machine.totalMemoryMb / 1024)} GB, Node ${machine.node}; ${pkgs}.`,
    '',
    'Every figure is measured beside its raw baseline in the same run; ratios are app ÷ baseline.',
    '',
    '## Targets',
    '',
  );
  for (const target of TARGETS) {
    const report = reports.get(target.scenario);
    const verdict = report?.targets.find((v) => v.id === target.id);
    let text: string;
    if (!report || !verdict) {
      text = `not run: scenario not run yet (npm run bench -- ${target.scenario})`;
    } else {
      text = verdictText(verdict);
      const origin = [
        report.mode === 'quick' ? 'quick' : null,
        report.runId !== runId
          ? `from run ${report.runId}, ${report.startedAt.slice(0, 16)}`
          : null,
      ].filter(Boolean);
      if (origin.length > 0) text += ` [${origin.join(', ')}]`;
    }
    lines.push(`- #${target.issue} ${target.scenario} — ${target.text}: ${text}`);
  }
  lines.push(
    '',
    '## Figures',
    '',
    '| scenario | figure | app | baseline | app ÷ baseline | mode | run |',
    '|---|---|---|---|---|---|---|',
  );
  for (const name of SCENARIO_NAMES) {
    const report = reports.get(name);
    if (!report) continue;
    if (report.comparisons.length === 0) {
      lines.push(
        `| ${name} | ${report.status}${report.reason ? `: ${report.reason}` : ''} | | | | ${report.mode} | ${report.runId} |`,
      );
    }
    for (const c of report.comparisons) {
      lines.push(
        `| ${name} | ${c.metric} (${c.better} is better) | ${fmt(c.app, c.unit)} | ${fmt(c.baseline, c.unit)} | ${ratioText(c)} | ${report.mode} | ${report.runId} |`,
      );
    }
  }
  const notes = SCENARIO_NAMES.flatMap((name) =>
    (reports.get(name)?.notes ?? []).map((note) => `- ${name}: ${note}`),
  );
  if (notes.length > 0) lines.push('', '## Notes', '', ...notes);
  const file = path.join(dir, 'summary.md');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function pad(cells: string[][]): string[] {
  const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
}

export function printTable(reports: ScenarioReport[]): void {
  const rows: string[][] = [['scenario', 'figure', 'app', 'baseline', 'ratio']];
  for (const r of reports) {
    for (const c of r.comparisons) {
      rows.push([r.scenario, c.metric, fmt(c.app, c.unit), fmt(c.baseline, c.unit), ratioText(c)]);
    }
  }
  console.log(`\n${pad(rows).join('\n')}`);
  for (const r of reports.filter((x) => x.comparisons.length === 0)) {
    console.log(`${r.scenario}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
  }
  console.log('');
  for (const r of reports) {
    for (const v of r.targets) {
      const def = TARGETS.find((t) => t.id === v.id);
      console.log(
        `  ${v.verdict === 'met' ? '✔' : v.verdict === 'not met' ? '✘' : '·'} ${r.scenario}: ${def?.text ?? v.id}: ${verdictText(v)}`,
      );
    }
  }
}
