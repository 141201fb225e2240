import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';
import net from 'node:net';
import type { Reply, Request } from '@test/bench/load/protocol';

/** Every process the runner started, so a failure or Ctrl-C can end exactly those. */
const started = new Set<ChildProcess>();

const FD_LIMIT = 65_536;

/**
 * Runs `node <script>` through bash so the open-file limit can be raised first (10,000 sockets
 * need 10,000 descriptors in one process). `exec` keeps the pid, so /proc/<pid> is node's.
 */
export function spawnNode(
  script: string,
  options: {
    env: NodeJS.ProcessEnv;
    cwd: string;
    ipc?: boolean;
    args?: string[];
    /** Flags for node itself, before the script (e.g. --cpu-prof, not allowed in NODE_OPTIONS). */
    nodeArgs?: string[];
  },
): ChildProcess {
  const raise = `ulimit -n ${FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`;
  const child = spawn(
    'bash',
    ['-c', raise, process.execPath, ...(options.nodeArgs ?? []), script, ...(options.args ?? [])],
    {
      cwd: options.cwd,
      env: options.env,
      stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    },
  );
  started.add(child);
  child.once('exit', () => started.delete(child));
  // A message to a process that just died (Ctrl-C reaches every process in the group) fails
  // asynchronously; the request that sent it is rejected through the send callback instead.
  child.on('error', () => undefined);
  return child;
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 8000): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...started].map((child) => stopProcess(child, 3000)));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Keeps the last lines of a process's output for error messages, and writes all of it to a file. */
export class OutputLog {
  private readonly tail: string[] = [];
  private readonly file: WriteStream;

  constructor(
    filePath: string,
    private readonly onLine?: (line: string) => void,
  ) {
    this.file = createWriteStream(filePath, { flags: 'a' });
  }

  attach(child: ChildProcess): void {
    let partial = '';
    const take = (chunk: Buffer) => {
      this.file.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        this.tail.push(line);
        if (this.tail.length > 40) this.tail.shift();
        this.onLine?.(line);
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
  }

  lastLines(n = 15): string {
    return this.tail.slice(-n).join('\n');
  }

  /** The first line of the kept output that names an error, for one-line failure reasons. */
  firstError(): string | undefined {
    return this.tail.find((line) => /error|exception|cannot|invalid/i.test(line))?.trim();
  }

  close(): void {
    this.file.end();
  }
}

/**
 * A load generator or baseline in its own process (so it never shares the event loop of what it
 * measures), driven by request/reply messages over the IPC channel.
 */
export class LoadProcess {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private readonly log: OutputLog;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    logFile: string,
    onProgress: (name: string, text: string) => void,
  ) {
    this.log = new OutputLog(logFile);
    this.log.attach(child);
    child.on('message', (msg: Reply) => {
      if (msg.type === 'progress') {
        onProgress(name, msg.text);
        return;
      }
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      if (msg.ok) waiter.resolve(msg.data);
      else waiter.reject(new Error(`${name}: ${msg.error}`));
    });
    child.once('exit', (code, signal) => {
      const reason = new Error(
        `${name} exited (${signal ?? code}) with requests pending\n${this.log.lastLines()}`,
      );
      for (const waiter of this.pending.values()) waiter.reject(reason);
      this.pending.clear();
      this.log.close();
    });
  }

  static start(
    name: string,
    script: string,
    opts: {
      cwd: string;
      logFile: string;
      deadlineMs: number;
      onProgress: (name: string, text: string) => void;
    },
  ): LoadProcess {
    const child = spawnNode(script, {
      cwd: opts.cwd,
      ipc: true,
      env: { ...process.env, BENCH_DEADLINE_MS: String(opts.deadlineMs), NODE_ENV: 'production' },
    });
    return new LoadProcess(name, child, opts.logFile, opts.onProgress);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  request<T>(cmd: string, args: unknown = {}, timeoutMs = 120_000): Promise<T> {
    if (!isRunning(this.child) || !this.child.connected) {
      return Promise.reject(new Error(`${this.name} is not running\n${this.log.lastLines()}`));
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: '${cmd}' got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      const message: Request = { id, cmd, args };
      this.child.send(message, (err) => {
        if (!err) return;
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new Error(`${this.name}: '${cmd}' could not be sent (${err.message})`));
      });
    });
  }

  stop(): Promise<void> {
    return stopProcess(this.child, 3000);
  }
}
