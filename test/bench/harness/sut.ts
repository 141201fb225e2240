import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { sleep, waitUntil } from '@test/bench/harness/clock';
import {
  freePort,
  isRunning,
  OutputLog,
  spawnNode,
  stopProcess,
} from '@test/bench/harness/processes';

export interface ServerProcess {
  name: string;
  pid: number;
  /** Empty for the worker, which has no HTTP listener. */
  url: string;
  child: ChildProcess;
  log: OutputLog;
  /** Where process-probe.ts answers SIGWINCH with the statement count and CPU time. */
  probeFile?: string;
}

/** Preloaded into every API and worker: counts SQL statements, reports CPU (probe.ts). */
const PROBE = path.join(__dirname, 'process-probe.js');

/**
 * The system under test: the compiled API and worker as real processes, with a database and
 * Redis key prefix of their own that are removed afterwards.
 */
export class Sut {
  readonly databaseName: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly admin = { username: 'bench-admin', password: 'bench-admin-password' };
  private readonly adminDatabaseUrl: string;
  private readonly jwtSecret = randomBytes(32).toString('hex');
  private readonly servers = new Set<ServerProcess>();
  private databaseCreated = false;

  constructor(
    readonly runId: string,
    private readonly repoRoot: string,
    private readonly logsDir: string,
  ) {
    this.adminDatabaseUrl =
      process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    this.databaseName = `switchboard_bench_${runId}`;
    const url = new URL(this.adminDatabaseUrl);
    url.pathname = `/${this.databaseName}`;
    this.databaseUrl = url.toString();
    this.redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    this.redisPrefix = `sbbench_${runId}`;
  }

  async createDatabase(): Promise<void> {
    const admin = new Client({ connectionString: this.adminDatabaseUrl });
    await admin.connect();
    try {
      await admin.query(`create database "${this.databaseName}"`);
      this.databaseCreated = true;
    } finally {
      await admin.end();
    }
  }

  /** A plain pg client on the bench database, for baselines and checks. */
  async sql<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  private env(port: number, extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrl,
      REDIS_PREFIX: this.redisPrefix,
      JWT_SECRET: this.jwtSecret,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_USERNAME: this.admin.username,
      ADMIN_PASSWORD: this.admin.password,
      LOG_LEVEL: 'warn',
      NO_COLOR: '1',
      CORS_ORIGINS: '*',
      LOGIN_ATTEMPTS_PER_MINUTE: '100000',
      SHUTDOWN_TIMEOUT_MS: '5000',
      ...extra,
    };
  }

  private launch(
    name: string,
    script: string,
    port: number,
    extra: Record<string, string>,
    nodeArgs: string[] = [],
  ) {
    const probeFile = path.join(this.logsDir, `${name}.probe.json`);
    const child = spawnNode(path.join(this.repoRoot, script), {
      cwd: this.repoRoot,
      env: {
        ...this.env(port, extra),
        BENCH_PROBE_FILE: probeFile,
        BENCH_PROBE_SQL: process.env.BENCH_PROBE_SQL ?? '',
      },
      nodeArgs: ['--require', PROBE, ...nodeArgs],
    });
    const log = new OutputLog(path.join(this.logsDir, `${name}.log`));
    log.attach(child);
    const server: ServerProcess = {
      name,
      pid: child.pid ?? -1,
      url: port ? `http://127.0.0.1:${port}` : '',
      child,
      log,
      probeFile,
    };
    this.servers.add(server);
    child.once('exit', () => {
      this.servers.delete(server);
      log.close();
    });
    return server;
  }

  /**
   * Starts `node dist/src/main.js` and waits for /api/health to answer 200. BENCH_API_NODE_FLAGS
   * (space-separated) go to node before the script, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
   */
  async startApi(name = 'api', extra: Record<string, string> = {}): Promise<ServerProcess> {
    const port = await freePort();
    const nodeArgs = (process.env.BENCH_API_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const server = this.launch(name, 'dist/src/main.js', port, extra, nodeArgs);
    const healthy = await waitUntil(
      async () => {
        if (!isRunning(server.child)) return true;
        try {
          return (await fetch(`${server.url}/api/health`)).status === 200;
        } catch {
          return false;
        }
      },
      60_000,
      200,
    );
    if (!isRunning(server.child) || !healthy) {
      await this.failedToStart(server);
      throw new Error(
        `${name} did not become healthy: ${server.log.firstError() ?? 'see its log'}\n${server.log.lastLines()}`,
      );
    }
    return server;
  }

  /**
   * Starts `node dist/workers/main.js` and waits for its start-up line. BENCH_WORKER_NODE_FLAGS
   * go to node as BENCH_API_NODE_FLAGS do for the API.
   */
  async startWorker(name = 'worker', extra: Record<string, string> = {}): Promise<ServerProcess> {
    let ready = false;
    const nodeArgs = (process.env.BENCH_WORKER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const server = this.launch(name, 'dist/workers/main.js', 0, extra, nodeArgs);
    server.child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('switchboard worker started')) ready = true;
    });
    await waitUntil(() => ready || !isRunning(server.child), 60_000, 100);
    if (!ready || !isRunning(server.child)) {
      await this.failedToStart(server);
      throw new Error(
        `${name} did not start: ${server.log.firstError() ?? 'see its log'}\n${server.log.lastLines()}`,
      );
    }
    return server;
  }

  /** Stops it and lets its output drain, so the error it printed is in the log's tail. */
  private async failedToStart(server: ServerProcess): Promise<void> {
    const closed = new Promise<void>((resolve) => server.child.once('close', () => resolve()));
    await stopProcess(server.child, 1000);
    await Promise.race([closed, sleep(2000)]);
  }

  async stop(server: ServerProcess): Promise<void> {
    await stopProcess(server.child);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.servers].map((s) => stopProcess(s.child)));
  }

  /** Stops everything, drops the database and unlinks the Redis keys of this run. */
  async destroy(): Promise<void> {
    await this.stopAll();
    await sleep(100);
    if (this.databaseCreated && process.env.BENCH_KEEP_DB !== '1') {
      const admin = new Client({ connectionString: this.adminDatabaseUrl });
      await admin.connect();
      try {
        await admin.query(`drop database if exists "${this.databaseName}" with (force)`);
      } finally {
        await admin.end();
      }
    }
    await this.deleteRedisKeys();
  }

  private async deleteRedisKeys(): Promise<void> {
    const redis = new Redis(this.redisUrl, { maxRetriesPerRequest: 2 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(
          cursor,
          'MATCH',
          `${this.redisPrefix}*`,
          'COUNT',
          1000,
        );
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
}
