import { existsSync, readFileSync } from 'node:fs';
import { waitUntil } from '@test/bench/harness/clock';
import type { ServerProcess } from '@test/bench/harness/sut';

/** What process-probe.ts reports for one process at one instant. */
export interface ProbeSample {
  seq: number;
  statements: number;
  /** Absent from a process without ioredis. */
  redisCommands?: number;
  redisRoundTrips?: number;
  cpuUs: number;
}

function read(file: string): ProbeSample | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProbeSample;
  } catch {
    return null; // caught mid-write: read again
  }
}

/** Asks the process for its counters now (SIGWINCH) and waits for the answer. */
export async function sampleProcess(server: ServerProcess): Promise<ProbeSample | null> {
  if (!server.probeFile) return null;
  const file = server.probeFile;
  const before = read(file)?.seq ?? 0;
  server.child.kill('SIGWINCH');
  let sample: ProbeSample | null = null;
  await waitUntil(
    () => {
      sample = read(file);
      return sample !== null && sample.seq > before;
    },
    5_000,
    20,
  );
  return sample;
}

/** Statements and CPU of several processes over a window, summed. */
export async function sampleAll(servers: readonly ServerProcess[]): Promise<ProbeSample[]> {
  return (await Promise.all(servers.map(sampleProcess))).filter(
    (s): s is ProbeSample => s !== null,
  );
}

export function perCall(
  before: readonly ProbeSample[],
  after: readonly ProbeSample[],
  calls: number,
): { statements: number; cpuMs: number; redisCommands: number; redisRoundTrips: number } | null {
  if (calls <= 0 || before.length !== after.length || before.length === 0) return null;
  let statements = 0;
  let cpuUs = 0;
  let redisCommands = 0;
  let redisRoundTrips = 0;
  after.forEach((a, i) => {
    statements += a.statements - before[i].statements;
    cpuUs += a.cpuUs - before[i].cpuUs;
    redisCommands += (a.redisCommands ?? 0) - (before[i].redisCommands ?? 0);
    redisRoundTrips += (a.redisRoundTrips ?? 0) - (before[i].redisRoundTrips ?? 0);
  });
  const per = (n: number) => Math.round((n / calls) * 10) / 10;
  return {
    statements: per(statements),
    cpuMs: Math.round((cpuUs / 1000 / calls) * 100) / 100,
    redisCommands: per(redisCommands),
    redisRoundTrips: per(redisRoundTrips),
  };
}
