import type { Socket } from 'socket.io-client';
import { wallNow } from '@test/bench/harness/clock';
import { openInBatches, openSocket, whenReady } from '@test/bench/load/sockets';
import { progress, serveCommands } from '@test/bench/load/protocol';

/**
 * Holds many sockets open (idle-connection and fan-out scenarios) and records, per socket, when
 * the first event carrying a given marker arrived.
 */
const sockets: Socket[] = [];
let marker: string | null = null;
let receipts = new Map<number, number>();

function carries(payload: unknown, wanted: string): boolean {
  if (typeof payload === 'string') return payload.includes(wanted);
  if (typeof payload !== 'object' || payload === null) return false;
  return JSON.stringify(payload).includes(wanted);
}

interface OpenArgs {
  url: string;
  count: number;
  batch: number;
  /** Cycled over the sockets: `{token}` for the API, `{userId, rooms}` for the bare server. */
  auths: Record<string, unknown>[];
  readyEvent: string;
  timeoutMs: number;
}

async function open(args: OpenArgs) {
  const started = wallNow();
  const result = await openInBatches(
    args.count,
    args.batch,
    async (i) => {
      const socket = openSocket(args.url, args.auths[i % args.auths.length], args.timeoutMs);
      const index = sockets.length + i;
      socket.onAny((_event: string, payload: unknown) => {
        const at = wallNow();
        if (marker !== null && !receipts.has(index) && carries(payload, marker))
          receipts.set(index, at);
      });
      try {
        await whenReady(socket, args.readyEvent, args.timeoutMs);
        return socket;
      } catch (err) {
        socket.disconnect();
        throw err;
      }
    },
    (opened) => progress(`${opened}/${args.count} open`),
  );
  sockets.push(...result.sockets);
  return {
    opened: result.sockets.length,
    failed: result.failed,
    errors: result.errors,
    elapsedMs: wallNow() - started,
  };
}

function watch(args: { marker: string }) {
  marker = args.marker;
  receipts = new Map();
  return null;
}

/** Receipt times (wall clock) of the watched marker, once every open socket has one or time is up. */
async function collect(args: { timeoutMs: number }) {
  const deadline = Date.now() + args.timeoutMs;
  while (receipts.size < sockets.filter((s) => s.connected).length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return { times: [...receipts.values()], connected: sockets.filter((s) => s.connected).length };
}

function close() {
  for (const socket of sockets.splice(0)) socket.disconnect();
  return null;
}

serveCommands({ open, watch, collect, close });
