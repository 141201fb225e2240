import type { Scenario } from '@test/bench/harness/scenario';
import type { ScenarioName } from '@test/bench/harness/targets';
import { chatScenario } from '@test/bench/scenarios/chat';
import { consoleScenario } from '@test/bench/scenarios/console';
import { connectionsScenario } from '@test/bench/scenarios/connections';
import { fanoutScenario } from '@test/bench/scenarios/fanout';
import { importScenario } from '@test/bench/scenarios/import';
import { ingestScenario } from '@test/bench/scenarios/ingest';
import { jobsScenario } from '@test/bench/scenarios/jobs';
import { routingScenario } from '@test/bench/scenarios/routing';
import { statsScenario } from '@test/bench/scenarios/stats';
import { wallboardScenario } from '@test/bench/scenarios/wallboard';

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  connections: connectionsScenario,
  jobs: jobsScenario,
  ingest: ingestScenario,
  routing: routingScenario,
  chat: chatScenario,
  fanout: fanoutScenario,
  stats: statsScenario,
  import: importScenario,
  console: consoleScenario,
  wallboard: wallboardScenario,
};
