/**
 * Erlang B and Erlang C, the classic models behind line and staffing recommendations.
 * Plain functions on numbers: the stats service feeds them measured traffic and AHT.
 */

/** Upper bound on channels/agents; keeps a bad input from spinning the event loop. */
export const MAX_SERVERS = 100_000;

export interface StaffingInput {
  /** Offered load in Erlangs. */
  traffic: number;
  ahtSeconds: number;
  thresholdSeconds?: number;
  targetServiceLevel?: number;
  maxOccupancy?: number;
}

export interface StaffingResult {
  agents: number;
  /** Erlang C probability that a caller has to wait. */
  pWait: number;
  serviceLevel: number;
  /** Average speed of answer in seconds. */
  asa: number;
  occupancy: number;
}

function assertTraffic(traffic: number): void {
  if (!Number.isFinite(traffic) || traffic < 0) {
    throw new RangeError(`traffic must be a finite number of Erlangs >= 0, got ${traffic}`);
  }
}

function assertServers(name: string, count: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`${name} must be an integer >= 0, got ${count}`);
  }
  if (count > MAX_SERVERS) {
    throw new RangeError(`${name} must be at most ${MAX_SERVERS}, got ${count}`);
  }
}

function assertOpenProbability(name: string, value: number): void {
  if (!(value > 0 && value < 1)) {
    throw new RangeError(`${name} must be strictly between 0 and 1, got ${value}`);
  }
}

function assertAht(ahtSeconds: number): void {
  if (!Number.isFinite(ahtSeconds) || ahtSeconds <= 0) {
    throw new RangeError(`ahtSeconds must be a finite number > 0, got ${ahtSeconds}`);
  }
}

function assertThreshold(thresholdSeconds: number): void {
  if (!Number.isFinite(thresholdSeconds) || thresholdSeconds < 0) {
    throw new RangeError(`thresholdSeconds must be a finite number >= 0, got ${thresholdSeconds}`);
  }
}

/** One step of the recursion; every term is positive, so nothing cancels or overflows. */
function nextErlangB(traffic: number, servers: number, previous: number): number {
  const load = traffic * previous;
  return load / (servers + load);
}

function erlangCFromB(traffic: number, agents: number, blocking: number): number {
  if (agents <= traffic) return 1;
  return (agents * blocking) / (agents - traffic * (1 - blocking));
}

function serviceLevelFromC(
  traffic: number,
  agents: number,
  pWait: number,
  ahtSeconds: number,
  thresholdSeconds: number,
): number {
  if (agents <= traffic) return 0;
  return 1 - pWait * Math.exp((-(agents - traffic) * thresholdSeconds) / ahtSeconds);
}

/** Blocking probability of `lines` channels offered `traffic` Erlangs. */
export function erlangB(traffic: number, lines: number): number {
  assertTraffic(traffic);
  assertServers('lines', lines);
  let blocking = 1;
  for (let n = 1; n <= lines; n++) blocking = nextErlangB(traffic, n, blocking);
  return blocking;
}

/**
 * Smallest N with B(A, N) <= target. B(A, 0) = 1 for every A, so even zero traffic gets one
 * line: the definition is applied literally rather than special-casing an idle line.
 */
export function linesNeeded(traffic: number, targetBlocking = 0.01): number {
  assertTraffic(traffic);
  assertOpenProbability('targetBlocking', targetBlocking);
  let blocking = 1;
  for (let n = 1; n <= MAX_SERVERS; n++) {
    blocking = nextErlangB(traffic, n, blocking);
    if (blocking <= targetBlocking) return n;
  }
  throw new RangeError(
    `more than ${MAX_SERVERS} lines would be needed for ${traffic} E at ${targetBlocking} blocking`,
  );
}

/** Probability that a caller waits; 1 when the agents cannot keep up with the traffic. */
export function erlangC(traffic: number, agents: number): number {
  return erlangCFromB(traffic, agents, erlangB(traffic, agents));
}

/** Average speed of answer in seconds; Infinity when the queue grows without bound. */
export function erlangCAsa(traffic: number, agents: number, ahtSeconds: number): number {
  assertAht(ahtSeconds);
  const pWait = erlangC(traffic, agents);
  if (agents <= traffic) return Infinity;
  return (pWait * ahtSeconds) / (agents - traffic);
}

/** Share of callers answered within `thresholdSeconds`; 0 when the queue grows without bound. */
export function erlangCServiceLevel(
  traffic: number,
  agents: number,
  ahtSeconds: number,
  thresholdSeconds: number,
): number {
  assertAht(ahtSeconds);
  assertThreshold(thresholdSeconds);
  return serviceLevelFromC(traffic, agents, erlangC(traffic, agents), ahtSeconds, thresholdSeconds);
}

/** A / N; above 1 means the agents are overloaded. */
export function occupancy(traffic: number, agents: number): number {
  assertTraffic(traffic);
  assertServers('agents', agents);
  if (agents === 0) throw new RangeError('occupancy needs at least one agent');
  return traffic / agents;
}

/** Smallest N with SL(T) >= target and A / N <= maxOccupancy. */
export function agentsNeeded(input: StaffingInput): StaffingResult {
  const {
    traffic,
    ahtSeconds,
    thresholdSeconds = 20,
    targetServiceLevel = 0.8,
    maxOccupancy = 1,
  } = input;
  assertTraffic(traffic);
  assertAht(ahtSeconds);
  assertThreshold(thresholdSeconds);
  assertOpenProbability('targetServiceLevel', targetServiceLevel);
  if (!(maxOccupancy > 0 && maxOccupancy <= 1)) {
    throw new RangeError(`maxOccupancy must be in (0, 1], got ${maxOccupancy}`);
  }

  // SL is 0 up to N = A and rises with N, so the search can start just above both bounds; the
  // occupancy bound starts one lower because floating-point division may round ceil() up.
  const start = Math.max(Math.floor(traffic) + 1, Math.ceil(traffic / maxOccupancy) - 1);
  if (start > MAX_SERVERS) {
    throw new RangeError(`more than ${MAX_SERVERS} agents would be needed for ${traffic} E`);
  }
  let blocking = erlangB(traffic, start - 1);
  for (let agents = start; agents <= MAX_SERVERS; agents++) {
    blocking = nextErlangB(traffic, agents, blocking);
    if (traffic / agents > maxOccupancy) continue;
    const pWait = erlangCFromB(traffic, agents, blocking);
    const serviceLevel = serviceLevelFromC(traffic, agents, pWait, ahtSeconds, thresholdSeconds);
    if (serviceLevel >= targetServiceLevel) {
      return {
        agents,
        pWait,
        serviceLevel,
        asa: (pWait * ahtSeconds) / (agents - traffic),
        occupancy: traffic / agents,
      };
    }
  }
  throw new RangeError(
    `more than ${MAX_SERVERS} agents would be needed for ${traffic} E at service level ${targetServiceLevel}`,
  );
}
