import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MachineFacts } from '@test/bench/harness/machine';
import type { Analysis, ScenarioFigures } from '@test/chaos/analysis';
import type { FaultRecord } from '@test/chaos/faults';
import type { ContractClientStats } from '@test/chaos/harness/contract-client';

export interface ChaosReport {
  runId: string;
  mode: 'quick' | 'full';
  startedAt: string;
  durationSeconds: number;
  machine: MachineFacts;
  sizes: Record<string, number>;
  faults: FaultRecord[];
  analysis: Analysis;
  clientStats: ContractClientStats;
  checks: { check: string; ok: boolean; detail: string }[];
  /** Not failures: answers and timings the issue's fixes are expected to change. */
  warnings: string[];
  passed: boolean;
}

const RECOVERY_TARGET_MS = 10_000;

function ms(from: number | null, to: number | null): string {
  return from === null || to === null ? 'not recovered' : `${((to - from) / 1000).toFixed(1)} s`;
}

export function checksOf(
  analysis: Analysis,
  faults: FaultRecord[],
): { checks: ChaosReport['checks']; warnings: string[] } {
  const checks: ChaosReport['checks'] = [];
  const { chat, calls, broadcasts } = analysis.scenarios;
  const scenario = (name: string, f: ScenarioFigures) => {
    checks.push({
      check: `${name}: nothing acknowledged lost`,
      ok: f.lost === 0,
      detail: `${f.lost} lost (${f.lostAfterReconnect} still after a reconnect)`,
    });
    checks.push({
      check: `${name}: nothing shown twice`,
      ok: f.shownTwice === 0,
      detail: `${f.shownTwice}`,
    });
    if (f.recoveredByGapResync !== null) {
      checks.push({
        check: `${name}: no live push lost on a connected socket`,
        ok: f.recoveredByGapResync === 0,
        detail: `${f.recoveredByGapResync} shown only after the client's gap resync`,
      });
    }
    if (f.outOfOrder !== null) {
      checks.push({
        check: `${name}: in order`,
        ok: f.outOfOrder === 0,
        detail: `${f.outOfOrder} out of order`,
      });
    }
  };
  scenario('chat', chat);
  scenario('calls', calls);
  scenario('broadcasts', broadcasts);
  const s = analysis.stuck;
  checks.push({
    check: 'no call left waiting while an agent is idle',
    ok: s.callsWaitingWithIdleAgents === 0,
    detail: `${s.callsWaitingWithIdleAgents}`,
  });
  checks.push({
    check: 'no call offered without a pending offer',
    ok: s.callsOfferedWithoutPendingOffer === 0,
    detail: `${s.callsOfferedWithoutPendingOffer}`,
  });
  checks.push({
    check: 'nobody stuck offered without an offer',
    ok: s.staffOfferedWithoutPendingOffer === 0,
    detail: `${s.staffOfferedWithoutPendingOffer}`,
  });
  checks.push({
    check: 'nobody stuck busy without a live call',
    ok: s.staffBusyWithoutLiveCall === 0,
    detail: `${s.staffBusyWithoutLiveCall}`,
  });
  checks.push({
    check: 'no persisted event left unshown',
    ok: analysis.unshownEvents.total === 0,
    detail: JSON.stringify(analysis.unshownEvents.byName),
  });
  for (const f of faults) {
    const detail =
      f.error ??
      `requests ${ms(f.restoredAt, f.requestsRecoveredAt)}, messages ${ms(f.restoredAt, f.messagesRecoveredAt)} after the restore`;
    const worst =
      f.restoredAt === null
        ? Infinity
        : Math.max(
            (f.requestsRecoveredAt ?? Infinity) - f.restoredAt,
            (f.messagesRecoveredAt ?? Infinity) - f.restoredAt,
          );
    // A restarted API process needs its boot time; services must be usable soon after they are back.
    const service = f.name === 'redis-restart' || f.name === 'postgres-restart';
    checks.push({
      check: service
        ? `${f.name}: recovered within ${RECOVERY_TARGET_MS / 1000} s of the restart`
        : `${f.name}: recovered`,
      ok: !f.error && Number.isFinite(worst) && (!service || worst <= RECOVERY_TARGET_MS),
      detail,
    });
  }
  for (const p of analysis.phases) {
    const http500 = p.http['500'] ?? 0;
    checks.push({
      check: `${p.phase}: no 500 INTERNAL (a fault answers 503 SERVICE_UNAVAILABLE)`,
      ok: http500 === 0 && p.chat.internalErrors === 0,
      detail: `${http500} HTTP answers 500, ${p.chat.internalErrors} chat sends answered INTERNAL; ${p.http['503'] ?? 0} answered 503`,
    });
  }
  const warnings: string[] = [];
  for (const p of analysis.phases) {
    const hung = p.http.timeout ?? 0;
    if (hung > 0) warnings.push(`${p.phase}: ${hung} requests got no answer within their timeout`);
  }
  if (s.agentsOnBreak > 0) warnings.push(`${s.agentsOnBreak} agents on break at the end`);
  return { checks, warnings };
}

function seconds(value: number | null): string {
  return value === null ? '—' : `${(value / 1000).toFixed(1)} s`;
}

function row(cells: (string | number | null)[]): string {
  return `| ${cells.map((c) => (c === null ? '—' : String(c))).join(' | ')} |`;
}

function scenarioTable(a: Analysis): string[] {
  const lines = [
    row([
      'scenario',
      'sent',
      'acknowledged',
      'stored',
      'delivered',
      'lost',
      'lost after reconnect',
      'only by gap resync',
      'shown twice',
      'out of order',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const [name, f] of Object.entries(a.scenarios)) {
    lines.push(
      row([
        name,
        f.sent,
        f.acknowledged,
        f.stored,
        f.delivered,
        f.lost,
        f.lostAfterReconnect,
        f.recoveredByGapResync,
        f.shownTwice,
        f.outOfOrder,
      ]),
    );
  }
  return lines;
}

function faultTable(report: ChaosReport): string[] {
  const lines = [
    row([
      'phase',
      'up again',
      'requests ok',
      'message shown',
      'chat acked / lost',
      'calls acked / lost',
      'broadcast recipients / lost',
      'HTTP 500 / 503 / no answer',
      'chat INTERNAL',
      'gap resyncs',
      'slowest chat / call offer / broadcast',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const p of report.analysis.phases) {
    const f = report.faults.find((x) => x.name === p.phase);
    const http = `${p.http['500'] ?? 0} / ${p.http['503'] ?? 0} / ${(p.http.error ?? 0) + (p.http.timeout ?? 0)}`;
    lines.push(
      row([
        p.phase,
        f ? ms(f.restoredAt, f.readyAt) : null,
        f ? ms(f.restoredAt, f.requestsRecoveredAt) : null,
        f ? ms(f.restoredAt, f.messagesRecoveredAt) : null,
        `${p.chat.acknowledged} / ${p.chat.lost}${p.chat.lost !== p.chat.lostAfterReconnect ? ` (${p.chat.lostAfterReconnect})` : ''}`,
        `${p.calls.acknowledged} / ${p.calls.lost}`,
        `${p.broadcasts.recipients} / ${p.broadcasts.lost}`,
        http,
        p.chat.internalErrors,
        p.clients['gap-resync'] ?? 0,
        [p.chat.slowestMs, p.calls.slowestOfferMs, p.broadcasts.slowestMs].map(seconds).join(' / '),
      ]),
    );
  }
  return lines;
}

export function renderSummary(report: ChaosReport): string {
  const a = report.analysis;
  const out: string[] = [
    `# Chaos run ${report.runId} (${report.mode}): ${report.passed ? 'PASSED' : 'FAILED'}`,
    '',
    `${report.startedAt}, ${report.durationSeconds} s; ${report.machine.cores} × ${report.machine.cpuModel}, Node ${report.machine.node}. Sizes: ${Object.entries(
      report.sizes,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    'Broadcasts are counted per recipient (one broadcast to N agents is N deliveries); "stored" = a notification row exists. "lost" = acknowledged (chat ack ok, telephony event accepted, broadcast 201) but not shown to the recipient / answered by an agent by the end of the settle period; "only by gap resync" = delivered, but only because the client’s gap timer made it resync while its socket stayed connected (the live push was lost); "lost after reconnect" = still missing after every client reconnected with `since` = its last seq (stored, but the live path dropped it when the two differ). Calls: delivered = accepted by an agent; shown twice = accepted by two agents or one offer received twice.',
    '',
    '## Scenarios',
    '',
    ...scenarioTable(a),
    '',
    '## Per phase (up again / requests ok / message shown: time after the restore)',
    '',
    ...faultTable(report),
    '',
    '## Stuck state after the settle period (seen twice, 5 s apart)',
    '',
    `calls waiting while an agent is idle: ${a.stuck.callsWaitingWithIdleAgents}; calls offered with no pending offer: ${a.stuck.callsOfferedWithoutPendingOffer}; people offered with no offer: ${a.stuck.staffOfferedWithoutPendingOffer}; people busy with no live call: ${a.stuck.staffBusyWithoutLiveCall}; agents on break: ${a.stuck.agentsOnBreak}.`,
    ...a.stuck.details.map((d) => `- ${d}`),
    '',
    `Persisted user events stored but not shown by the end of the settle period: ${a.unshownEvents.total} ${JSON.stringify(a.unshownEvents.byName)}`,
    '',
    '## Checks',
    '',
    ...report.checks.map((c) => `- ${c.ok ? 'ok' : '**FAIL**'} ${c.check}: ${c.detail}`),
    '',
  ];
  if (report.warnings.length > 0) {
    out.push('## Warnings', '', ...report.warnings.map((w) => `- ${w}`), '');
  }
  out.push('## Details', '');
  for (const [name, f] of Object.entries(a.scenarios)) {
    out.push(`**${name}**: ${JSON.stringify(f.facts)}`, '');
    if (f.lostExamples.length > 0) out.push(`lost, first ones: ${f.lostExamples.join('; ')}`, '');
  }
  out.push(`**clients** (all users, summed): ${JSON.stringify(report.clientStats)}`, '');
  out.push(
    `**faults**: ${report.faults.map((f) => `${f.name}: ${f.description}${f.error ? ` (error: ${f.error})` : ''}`).join('; ')}`,
    '',
  );
  return out.join('\n');
}

export function writeReport(dir: string, report: ChaosReport): { md: string; json: string } {
  mkdirSync(dir, { recursive: true });
  const md = path.join(dir, 'summary.md');
  const json = path.join(dir, 'summary.json');
  writeFileSync(md, `${renderSummary(report)}\n`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  return { md, json };
}

/** The two tables for the terminal. */
export function printTables(report: ChaosReport): void {
  console.log(['', ...scenarioTable(report.analysis), '', ...faultTable(report), ''].join('\n'));
  for (const c of report.checks.filter((x) => !x.ok)) console.log(`FAIL ${c.check}: ${c.detail}`);
  for (const w of report.warnings) console.log(`warning: ${w}`);
}
