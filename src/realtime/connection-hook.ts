import type { Logger } from '@nestjs/common';

/**
 * Nest calls a gateway's connect and disconnect hooks without awaiting them, so a rejection there
 * would be an unhandled rejection that kills the process. Each hook's work runs through this:
 * a failure (a database or Redis hiccup, a shutdown in progress) is logged and the socket lives on.
 */
export async function inConnectionHook(
  logger: Logger,
  what: string,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (err) {
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, `${what} failed`);
  }
}
