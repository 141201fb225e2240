/** Messages between the runner and a load or baseline process (over the IPC channel). */
export interface Request {
  id: number;
  cmd: string;
  args: unknown;
}

export type Reply =
  | { type: 'reply'; id: number; ok: true; data: unknown }
  | { type: 'reply'; id: number; ok: false; error: string }
  | { type: 'progress'; text: string };

type Handler = (args: never) => unknown;

export function progress(text: string): void {
  process.send?.({ type: 'progress', text } satisfies Reply);
}

/**
 * Answers the runner's commands. The process stops by itself when the runner goes away (the
 * IPC channel closes) or when its deadline passes, so no load is ever left running.
 */
export function serveCommands(handlers: Record<string, Handler>): void {
  const deadlineMs = Number(process.env.BENCH_DEADLINE_MS ?? 600_000);
  setTimeout(() => {
    console.error(`deadline of ${deadlineMs} ms reached, exiting`);
    process.exit(3);
  }, deadlineMs).unref();
  process.on('disconnect', () => process.exit(0));
  process.on('message', (msg: Request) => {
    const handler = handlers[msg.cmd];
    if (msg.cmd === 'exit') {
      process.send?.({ type: 'reply', id: msg.id, ok: true, data: null } satisfies Reply, () =>
        process.exit(0),
      );
      return;
    }
    if (!handler) {
      process.send?.({ type: 'reply', id: msg.id, ok: false, error: `unknown command ${msg.cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(msg.args as never))
      .then(
        (data) => process.send?.({ type: 'reply', id: msg.id, ok: true, data } satisfies Reply),
        (err: unknown) =>
          process.send?.({
            type: 'reply',
            id: msg.id,
            ok: false,
            error: err instanceof Error ? (err.stack ?? err.message) : String(err),
          } satisfies Reply),
      );
  });
}
