/**
 * Preloaded (`node --require`) into the API and worker the bench starts, never into production:
 * counts the SQL statements the process sends (every `pg` client's `query`, whichever copy of
 * `pg` the ORM or the app loaded), the Redis commands it sends and the round trips they take
 * (ioredis: a command sent alone is one, a pipeline — explicit, auto-pipelined or a BullMQ
 * script batch — is one for all its commands) and, on SIGWINCH (ignored by default and not one
 * of Nest's shutdown signals, unlike SIGUSR2), writes the counts with the process's CPU time
 * to BENCH_PROBE_FILE. The bench signals before and after a measured window and divides.
 * pg_stat_statements would need shared_preload_libraries on the shared server, which it lacks.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

interface Queryable {
  prototype: { query: (...args: unknown[]) => unknown };
}

interface IoRedis {
  prototype: { sendCommand: (command: unknown, stream?: { isPipeline?: boolean }) => unknown };
}

interface IoRedisPipeline {
  prototype: { exec: (...args: unknown[]) => unknown };
}

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  let statements = 0;
  let redisCommands = 0;
  let redisRoundTrips = 0;
  let seq = 0;
  // BENCH_PROBE_SQL=1: also counts statements by text, written beside the file on each signal,
  // to see which statements a window's count is made of.
  const byText = process.env.BENCH_PROBE_SQL === '1' ? new Map<string, number>() : null;
  const patched = new Set<unknown>();
  const roots = [
    process.cwd(),
    path.join(process.cwd(), 'node_modules', '@mikro-orm', 'postgresql'),
  ];
  for (const root of roots) {
    let resolved: string;
    try {
      resolved = require.resolve('pg', { paths: [root] });
    } catch {
      continue;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pg = require(resolved) as { Client: Queryable };
    if (patched.has(pg.Client.prototype)) continue;
    patched.add(pg.Client.prototype);
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
      statements += 1;
      if (byText) {
        const first = args[0] as string | { text?: string } | undefined;
        const text = (typeof first === 'string' ? first : (first?.text ?? '?'))
          .replace(/\s+/g, ' ')
          .slice(0, 160);
        byText.set(text, (byText.get(text) ?? 0) + 1);
      }
      return original.apply(this, args);
    };
  }
  try {
    const ioredis = require.resolve('ioredis', { paths: [process.cwd()] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Redis = (require(ioredis) as { default: IoRedis }).default;
    const sendCommand = Redis.prototype.sendCommand;
    Redis.prototype.sendCommand = function (this: unknown, command, stream) {
      redisCommands += 1;
      if (!stream?.isPipeline) redisRoundTrips += 1;
      return sendCommand.call(this, command, stream);
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Pipeline = require(path.join(path.dirname(ioredis), 'Pipeline.js')) as {
      default: IoRedisPipeline;
    };
    const exec = Pipeline.default.prototype.exec;
    Pipeline.default.prototype.exec = function (this: unknown, ...args: unknown[]) {
      redisRoundTrips += 1;
      return exec.apply(this, args);
    };
  } catch {
    // no ioredis in this process
  }
  process.on('SIGWINCH', () => {
    seq += 1;
    const cpu = process.cpuUsage();
    writeFileSync(
      file,
      JSON.stringify({
        seq,
        statements,
        redisCommands,
        redisRoundTrips,
        cpuUs: cpu.user + cpu.system,
        at: Date.now(),
      }),
    );
    if (byText) writeFileSync(`${file}.sql.${seq}.json`, JSON.stringify([...byText]));
  });
}
