import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { sleep, waitUntil } from '@test/bench/harness/clock';
import { isRunning, OutputLog, spawnNode, stopProcess } from '@test/bench/harness/processes';

const PG_BIN = '/usr/lib/postgresql/15/bin';

function runAsRoot(): boolean {
  return process.getuid?.() === 0;
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Runs a PostgreSQL binary, as the `postgres` user when this process is root (initdb refuses root). */
function pgCommand(binary: string, args: string[]): { ok: boolean; output: string } {
  const command = [path.join(PG_BIN, binary), ...args].map(quote).join(' ');
  const result = runAsRoot()
    ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { encoding: 'utf8' })
    : spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/** A PostgreSQL cluster of its own in a temporary directory (initdb, pg_ctl start/stop). */
export class PostgresServer {
  private readonly dataDir: string;
  private readonly logFile: string;
  private running = false;

  constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    this.dataDir = path.join(dir, 'data');
    this.logFile = path.join(dir, 'postgres.log');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/switchboard`;
  }

  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  init(): void {
    mkdirSync(this.dir, { recursive: true });
    if (runAsRoot()) {
      // The postgres user must reach its directory through the (root-owned, 0700) temp dir.
      chmodSync(path.dirname(this.dir), 0o711);
      const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
      const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
      chownSync(this.dir, Number(pw.stdout.trim()), Number(gid.stdout.trim()));
    }
    const init = pgCommand('initdb', [
      '-D',
      this.dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    if (!init.ok) throw new Error(`initdb failed: ${init.output.split('\n').slice(-5).join(' ')}`);
  }

  start(): void {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    const result = pgCommand('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      this.logFile,
      '-o',
      options,
      '-w',
      'start',
    ]);
    if (!result.ok) throw new Error(`pg_ctl start failed: ${result.output}`);
    this.running = true;
  }

  /** `fast`: connections are closed at once, as when the database server is restarted. */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    if (!this.running) return;
    const result = pgCommand('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']);
    if (!result.ok && !/not running|No such file|does not exist/i.test(result.output)) {
      throw new Error(`pg_ctl stop failed: ${result.output}`);
    }
    this.running = false;
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Synchronous, for process exit: stop the server if it still runs, then remove its files. */
  destroy(): void {
    try {
      this.stop('immediate');
    } catch {
      // already gone
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A Redis of its own (AOF on, files in a temporary directory), stopped and started at will. */
export class RedisServer {
  private child: ChildProcess | null = null;
  private readonly log: OutputLog;

  constructor(
    private readonly dir: string,
    readonly port: number,
    logFile: string,
  ) {
    mkdirSync(dir, { recursive: true });
    this.log = new OutputLog(logFile);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--appendonly',
        'yes',
        '--dir',
        this.dir,
        '--save',
        '',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.on('error', () => undefined);
    this.log.attach(child);
    this.child = child;
    const up = await waitUntil(() => this.ping(), 15_000, 100);
    if (!up) throw new Error(`redis-server did not start\n${this.log.lastLines()}`);
  }

  private async ping(): Promise<boolean> {
    if (!this.child || !isRunning(this.child)) return false;
    const redis = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return (await redis.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      redis.disconnect();
    }
  }

  /** SIGTERM: Redis writes its append-only file and exits, as in an orderly restart. */
  async stop(): Promise<void> {
    if (this.child) await stopProcess(this.child, 10_000);
    this.child = null;
  }

  kill(): void {
    if (this.child && isRunning(this.child)) this.child.kill('SIGKILL');
  }

  destroy(): void {
    this.kill();
    this.log.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface AppProcess {
  name: string;
  /** Empty for the worker. */
  url: string;
  child: ChildProcess;
  log: OutputLog;
}

/** The compiled API and worker processes, on fixed loopback ports, restartable by name. */
export class AppProcesses {
  readonly processes = new Map<string, AppProcess>();

  constructor(
    private readonly repoRoot: string,
    private readonly logsDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private launch(name: string, script: string, port: number): AppProcess {
    const child = spawnNode(path.join(this.repoRoot, script), {
      cwd: this.repoRoot,
      env: { ...this.env, PORT: String(port) },
    });
    const log = new OutputLog(path.join(this.logsDir, `${name}.log`));
    log.attach(child);
    const proc: AppProcess = {
      name,
      url: script.includes('workers') ? '' : `http://127.0.0.1:${port}`,
      child,
      log,
    };
    this.processes.set(name, proc);
    child.once('exit', () => log.close());
    return proc;
  }

  async startApi(name: string, port: number): Promise<AppProcess> {
    const proc = this.launch(name, 'dist/src/main.js', port);
    const healthy = await waitUntil(
      async () => {
        if (!isRunning(proc.child)) return true;
        try {
          const res = await fetch(`${proc.url}/api/health`, { signal: AbortSignal.timeout(2000) });
          return res.status === 200;
        } catch {
          return false;
        }
      },
      90_000,
      200,
    );
    if (!healthy || !isRunning(proc.child)) {
      await sleep(500);
      throw new Error(`${name} did not become healthy\n${proc.log.lastLines()}`);
    }
    return proc;
  }

  async startWorker(name: string): Promise<AppProcess> {
    let ready = false;
    const proc = this.launch(name, 'dist/workers/main.js', 0);
    proc.child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('switchboard worker started')) ready = true;
    });
    await waitUntil(() => ready || !isRunning(proc.child), 90_000, 100);
    if (!ready || !isRunning(proc.child)) {
      await sleep(500);
      throw new Error(`${name} did not start\n${proc.log.lastLines()}`);
    }
    return proc;
  }

  /** kill -9: no shutdown hooks, in-flight work and in-memory reactions are gone. */
  async kill(name: string): Promise<void> {
    const proc = this.processes.get(name);
    if (!proc || !isRunning(proc.child)) return;
    const exited = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()));
    proc.child.kill('SIGKILL');
    await exited;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => stopProcess(p.child, 5000)));
  }

  killAllSync(): void {
    for (const p of this.processes.values()) if (isRunning(p.child)) p.child.kill('SIGKILL');
  }
}
