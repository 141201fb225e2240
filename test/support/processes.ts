import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const API_ENTRY = join(ROOT, 'dist', 'src', 'main.js');
export const WORKER_ENTRY = join(ROOT, 'dist', 'workers', 'main.js');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, entry) => Math.max(max, newestMtime(join(path, entry))), 0);
}

/**
 * Builds dist/ when it is missing or older than the sources, so start-up tests run the same
 * compiled entry points as `npm start` without paying for a build on every run.
 */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = Math.min(statSync(API_ENTRY).mtimeMs, statSync(WORKER_ENTRY).mtimeMs);
  } catch {
    built = 0;
  }
  const sources = Math.max(
    ...['src', 'workers', 'tsconfig.json', 'tsconfig.build.json'].map((p) =>
      newestMtime(join(ROOT, p)),
    ),
  );
  if (built > sources) return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
}

/** A port nobody listens on right now (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A child process of the app whose output can be awaited line by line. */
export class AppProcess {
  private output = '';
  private readonly child: ChildProcess;
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    entry: string,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, [entry], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => {
      this.output += chunk.toString('utf8');
      for (const wake of this.waiters) wake();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code) => {
        for (const wake of this.waiters) wake();
        resolve(code);
      });
    });
  }

  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first line matching `pattern`; rejects if the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const line = this.output.split('\n').find((l) => pattern.test(l));
        if (line !== undefined) return done(() => resolve(line));
        if (!this.running) {
          return done(() =>
            reject(new Error(`${this.name} exited before printing ${pattern}:\n${this.output}`)),
          );
        }
      };
      const timer = setTimeout(
        () =>
          done(() => reject(new Error(`${this.name} never printed ${pattern}:\n${this.output}`))),
        timeoutMs,
      );
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** SIGTERM (graceful shutdown), then SIGKILL if it hangs; resolves once it is gone. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(killer);
  }
}

/** Polls `url` until it answers 200, or rejects with the process log after the timeout. */
export async function waitForHealthy(
  url: string,
  owner: AppProcess,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!owner.running) throw new Error(`${owner.name} exited:\n${owner.log}`);
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) {
      throw new Error(`${url} answered ${status} for too long:\n${owner.log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
