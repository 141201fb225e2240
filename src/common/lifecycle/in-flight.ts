/**
 * Reactions to in-process domain events run detached from whatever published them. At shutdown
 * they must finish before the connections they use are closed, or a reaction half-way through
 * meets a closed Redis or pool. A listener tracks its reactions here and settles them in
 * `beforeApplicationShutdown`, which Nest runs before the servers and connections close.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  async track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    try {
      return await work;
    } finally {
      this.running.delete(work);
    }
  }

  /** Waits for what is running now, and for what it starts meanwhile, at most `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.running]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        }),
      ]);
      clearTimeout(timer);
    }
  }
}
