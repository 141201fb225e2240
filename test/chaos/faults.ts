import { sleep, waitUntil } from '@test/bench/harness/clock';
import type { AppProcesses, PostgresServer, RedisServer } from '@test/chaos/harness/infra';
import type { Timeline } from '@test/chaos/harness/timeline';
import type { ChatScenario } from '@test/chaos/scenarios/chat';
import type { Prober } from '@test/chaos/scenarios/prober';

export const FAULT_NAMES = [
  'api1-kill',
  'api2-kill',
  'worker-kill',
  'redis-restart',
  'postgres-restart',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export interface FaultRecord {
  name: FaultName;
  description: string;
  injectedAt: number;
  /** The process or service was started again. */
  restoredAt: number | null;
  /** It was up again (API healthy, worker started, Redis answering, PostgreSQL accepting). */
  readyAt: number | null;
  /** Every API answered a request sent at or after `restoredAt`. */
  requestsRecoveredAt: number | null;
  /** A chat message sent at or after `restoredAt` was shown to its recipient. */
  messagesRecoveredAt: number | null;
  /** The first message sent after the fault began that was shown (failover while down). */
  firstMessageDuringFaultAt: number | null;
  endedAt: number | null;
  error: string | null;
}

export interface FaultTimings {
  /** How long a killed process stays down before it is started again. */
  processDownMs: number;
  /** How long Redis and PostgreSQL stay stopped. */
  serviceDownMs: number;
  /** Longest wait for recovery after the restore before moving on. */
  recoveryLimitMs: number;
  /** Load keeps running this long after recovery, still counted to the fault. */
  aftermathMs: number;
}

interface FaultDeps {
  apps: AppProcesses;
  postgres: PostgresServer;
  redis: RedisServer;
  apiPorts: [number, number];
  timeline: Timeline;
  prober: Prober;
  chat: ChatScenario;
  /** Runs once per fault, 1 s after it was injected (while the component is down). */
  duringFault: (name: FaultName) => Promise<void>;
  /** Puts every client back on its own API and waits until they are synced. */
  rebalance: () => Promise<number>;
  log: (text: string) => void;
}

interface FaultAction {
  description: string;
  inject: () => Promise<void>;
  restore: () => Promise<void>;
  downMs: number;
}

function actions(deps: FaultDeps, t: FaultTimings): Record<FaultName, FaultAction> {
  const { apps, postgres, redis, apiPorts } = deps;
  return {
    'api1-kill': {
      description: 'kill -9 API #1, start it again',
      inject: () => apps.kill('api1'),
      restore: async () => void (await apps.startApi('api1', apiPorts[0])),
      downMs: t.processDownMs,
    },
    'api2-kill': {
      description: 'kill -9 API #2, start it again',
      inject: () => apps.kill('api2'),
      restore: async () => void (await apps.startApi('api2', apiPorts[1])),
      downMs: t.processDownMs,
    },
    'worker-kill': {
      description: 'kill -9 the worker, start it again',
      inject: () => apps.kill('worker'),
      restore: async () => void (await apps.startWorker('worker')),
      downMs: t.processDownMs,
    },
    'redis-restart': {
      description: `stop Redis (SIGTERM, AOF on) for ${t.serviceDownMs / 1000} s, start it`,
      inject: () => redis.stop(),
      restore: () => redis.start(),
      downMs: t.serviceDownMs,
    },
    'postgres-restart': {
      description: `stop PostgreSQL (pg_ctl -m fast) for ${t.serviceDownMs / 1000} s, start it`,
      inject: () => Promise.resolve(postgres.stop('fast')),
      restore: () => Promise.resolve(postgres.start()),
      downMs: t.serviceDownMs,
    },
  };
}

function firstShownSentAfter(chat: ChatScenario, from: number): number | null {
  let first: number | null = null;
  for (const m of chat.messages.values()) {
    if (!m.probe || m.sentAt < from || m.shownAt === null || m.shownAfterReconnect) continue;
    if (first === null || m.shownAt < first) first = m.shownAt;
  }
  return first;
}

/** One fault at a time: inject, stay down, restore, wait for recovery, let the load run on. */
export async function runFaults(
  names: readonly FaultName[],
  deps: FaultDeps,
  timings: FaultTimings,
  stopAt: number,
): Promise<FaultRecord[]> {
  const table = actions(deps, timings);
  const records: FaultRecord[] = [];
  for (const name of names) {
    if (Date.now() >= stopAt) break;
    const action = table[name];
    const moved = await deps.rebalance();
    if (moved > 0) deps.log(`${moved} clients back on their own API before ${name}`);
    const record: FaultRecord = {
      name,
      description: action.description,
      injectedAt: Date.now(),
      restoredAt: null,
      readyAt: null,
      requestsRecoveredAt: null,
      messagesRecoveredAt: null,
      firstMessageDuringFaultAt: null,
      endedAt: null,
      error: null,
    };
    records.push(record);
    deps.timeline.enter(name);
    deps.log(`fault ${name}: ${action.description}`);
    try {
      await action.inject();
      const during = sleep(1000)
        .then(() => deps.duringFault(name))
        .catch(() => undefined);
      await sleep(action.downMs);
      record.restoredAt = Date.now();
      await action.restore();
      record.readyAt = Date.now();
      const restoredAt = record.restoredAt;
      await waitUntil(
        () => {
          record.requestsRecoveredAt ??= deps.prober.requestsRecoveredAt(restoredAt);
          record.messagesRecoveredAt ??= firstShownSentAfter(deps.chat, restoredAt);
          return record.requestsRecoveredAt !== null && record.messagesRecoveredAt !== null;
        },
        timings.recoveryLimitMs,
        100,
      );
      const recovered = (at: number | null) =>
        at === null ? `not within ${timings.recoveryLimitMs / 1000} s` : `${at - restoredAt} ms`;
      deps.log(
        `  up again after ${record.readyAt - restoredAt} ms; requests ${recovered(record.requestsRecoveredAt)}, messages ${recovered(record.messagesRecoveredAt)} after the restore`,
      );
      await Promise.all([sleep(timings.aftermathMs), during]);
      record.requestsRecoveredAt ??= deps.prober.requestsRecoveredAt(restoredAt);
      record.messagesRecoveredAt ??= firstShownSentAfter(deps.chat, restoredAt);
    } catch (err) {
      record.error = err instanceof Error ? err.message.split('\n')[0] : String(err);
      deps.log(`  fault ${name} failed: ${record.error}`);
    }
    record.firstMessageDuringFaultAt = firstShownSentAfter(deps.chat, record.injectedAt);
    record.endedAt = Date.now();
  }
  return records;
}
