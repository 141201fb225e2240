import path from 'node:path';
import type { Api, UserPool } from '@test/bench/harness/api';
import { LoadProcess } from '@test/bench/harness/processes';
import type { ServerProcess, Sut } from '@test/bench/harness/sut';
import type { ScenarioName, Verdict } from '@test/bench/harness/targets';

/** One measured figure for the system and for its raw baseline, side by side. */
export interface Comparison {
  metric: string;
  unit: string;
  app: number | null;
  baseline: number | null;
  /** app ÷ baseline. */
  ratio: number | null;
  better: 'lower' | 'higher';
}

export interface ScenarioOutcome {
  /** `partial`: the baseline ran but the feature under test is not built yet. */
  status: 'ok' | 'partial' | 'not run' | 'failed';
  reason?: string;
  params: Record<string, unknown>;
  comparisons: Comparison[];
  figures: { app?: unknown; baseline?: unknown };
  targets: Verdict[];
  notes: string[];
}

export interface ScenarioContext {
  name: ScenarioName;
  quick: boolean;
  runId: string;
  sut: Sut;
  users: UserPool;
  /** This scenario's API process, started on first use and stopped when the scenario ends. */
  api(): Promise<{ server: ServerProcess; api: Api }>;
  /** This scenario's worker process, likewise. */
  worker(): Promise<ServerProcess>;
  /** A second API process on the same database and Redis, for the two-process checks. */
  secondApi(): Promise<{ server: ServerProcess; api: Api }>;
  /** A forked script from dist-bench/test/bench (e.g. `load/socket-clients`). */
  fork(script: string, name: string, deadlineMs?: number): LoadProcess;
  progress(text: string): void;
}

export interface Scenario {
  name: ScenarioName;
  title: string;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

export const BENCH_DIST_DIR = path.resolve(__dirname, '..');
