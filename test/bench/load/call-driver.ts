import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { sleep, wallNow } from '@test/bench/harness/clock';
import { openSocket, whenReady } from '@test/bench/load/sockets';
import { progress, serveCommands } from '@test/bench/load/protocol';
import type { TelephonyEvent } from '@test/bench/load/telephony-events';

/**
 * Makes calls arrive: `arrived` telephony events to the API (or, for the baseline, one relayed
 * `offer` per call through the bare server's POST /emit), recording when each was sent. Also
 * watches the live console as a supervisor, to see which calls were offered or queued.
 */
interface CallSpec {
  mode: 'app' | 'baseline';
  urls: string[];
  apiKey?: string;
  tag: string;
  lineCode?: string;
  queueCode?: string;
  /** Baseline: the rooms (one per staff member) the relayed offers go to, round-robin. */
  rooms?: string[];
}

const sent: [string, number][] = [];
const statusCounts: Record<string, number> = {};
let firstError: string | undefined;

function callerNumber(n: number): string {
  return `+1202${String(2_000_000 + (n % 7_999_999)).padStart(7, '0')}`;
}

function arrived(spec: CallSpec, n: number): TelephonyEvent {
  const callId = `${spec.tag}-c${n}`;
  return {
    id: `${callId}-arrived`,
    callId,
    type: 'arrived',
    at: new Date().toISOString(),
    line: spec.lineCode ?? '',
    from: callerNumber(n),
    queue: spec.queueCode,
  };
}

async function post(url: string, body: unknown, apiKey?: string): Promise<void> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
      body: JSON.stringify(body),
    });
    statusCounts[res.status] = (statusCounts[res.status] ?? 0) + 1;
    if (res.status >= 300) firstError ??= `${res.status} ${(await res.text()).slice(0, 300)}`;
    else await res.arrayBuffer();
  } catch (err) {
    statusCounts.error = (statusCounts.error ?? 0) + 1;
    firstError ??= String(err);
  }
}

/** Sends calls numbered `first`.. in requests of `perRequest`, at the given times. */
function sendCalls(spec: CallSpec, ns: number[], target: number) {
  const url = spec.urls[target % spec.urls.length];
  const at = wallNow();
  for (const n of ns) sent.push([`${spec.tag}-c${n}`, at]);
  if (spec.mode === 'app')
    return post(
      `${url}/api/telephony/events`,
      ns.map((n) => arrived(spec, n)),
      spec.apiKey,
    );
  const n = ns[0];
  const rooms = spec.rooms ?? [];
  return post(`${url}/emit`, {
    room: rooms[n % rooms.length],
    event: 'offer',
    payload: {
      offerId: randomUUID(),
      kind: 'call',
      item: { callId: `${spec.tag}-c${n}`, from: callerNumber(n) },
      dossier: null,
      expiresAt: new Date(Date.now() + 15_000).toISOString(),
    },
  });
}

/** `rate` calls per second for `seconds`, one request per call. */
async function steady(args: CallSpec & { rate: number; seconds: number }) {
  sent.length = 0;
  const total = Math.round(args.rate * args.seconds);
  const pending: Promise<void>[] = [];
  const t0 = Date.now();
  let reported = t0;
  for (let n = 0; n < total;) {
    const now = Date.now();
    while (n < total && t0 + (n * 1000) / args.rate <= now) {
      pending.push(sendCalls(args, [n], n));
      n += 1;
    }
    if (now - reported >= 1000) {
      reported = now;
      progress(`${n}/${total} calls`);
    }
    await sleep(1);
  }
  await Promise.all(pending);
  return { sent: [...sent], statusCounts: { ...statusCounts }, firstError };
}

/** `calls` calls in `requests` requests spread evenly over `withinMs`, alternating the URLs. */
async function burst(args: CallSpec & { calls: number; requests: number; withinMs: number }) {
  sent.length = 0;
  const per = Math.ceil(args.calls / args.requests);
  const t0 = Date.now();
  const pending: Promise<void>[] = [];
  for (let r = 0; r < args.requests; r++) {
    const wait = t0 + (r * args.withinMs) / args.requests - Date.now();
    if (wait > 0) await sleep(wait);
    const ns = Array.from({ length: per }, (_, k) => r * per + k).filter((n) => n < args.calls);
    pending.push(sendCalls(args, ns, r));
  }
  await Promise.all(pending);
  return {
    sent: [...sent],
    spanMs: Date.now() - t0,
    statusCounts: { ...statusCounts },
    firstError,
  };
}

let consoleSocket: Socket | null = null;
const seen: Record<string, Set<string>> = {};

function callIdOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as {
    callId?: unknown;
    call?: { callId?: unknown };
    item?: { callId?: unknown };
  };
  const id = p.callId ?? p.call?.callId ?? p.item?.callId;
  return typeof id === 'string' ? id : null;
}

async function watchConsole(args: { url: string; token: string }) {
  consoleSocket = openSocket(args.url, { token: args.token }, 20_000);
  consoleSocket.onAny((event: string, payload: unknown) => {
    const id = callIdOf(payload);
    if (id) (seen[event] ??= new Set()).add(id);
  });
  await whenReady(consoleSocket, 'session.ready', 20_000);
  return null;
}

function consoleSeen() {
  return Object.fromEntries(Object.entries(seen).map(([event, ids]) => [event, [...ids]]));
}

function close() {
  consoleSocket?.disconnect();
  return null;
}

serveCommands({ steady, burst, watchConsole, consoleSeen, close });
