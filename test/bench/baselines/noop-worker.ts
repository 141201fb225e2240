import { Worker } from 'bullmq';
import Redis from 'ioredis';
import { serveCommands } from '@test/bench/load/protocol';

/**
 * The raw baseline for the jobs scenario: a BullMQ worker that does nothing, on its own queue in
 * the same Redis, with the concurrency the real worker uses.
 */
let worker: Worker | null = null;

async function start(args: {
  redisUrl: string;
  prefix: string;
  queue: string;
  concurrency: number;
}) {
  worker = new Worker(args.queue, () => Promise.resolve(), {
    connection: new Redis(args.redisUrl, { maxRetriesPerRequest: null }),
    prefix: args.prefix,
    concurrency: args.concurrency,
  });
  await worker.waitUntilReady();
  return { pid: process.pid };
}

async function stop() {
  await worker?.close();
  return null;
}

/** The process's CPU time so far, to set the worker's CPU per job beside the baseline's. */
function usage() {
  const cpu = process.cpuUsage();
  return Promise.resolve({ cpuUs: cpu.user + cpu.system });
}

serveCommands({ start, stop, usage });
