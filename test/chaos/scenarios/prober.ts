import { sleep } from '@test/bench/harness/clock';
import { isOk } from '@test/chaos/harness/rest';
import type { ChaosContext } from '@test/chaos/scenarios/context';

export interface ProbeRecord {
  sentAt: number;
  answeredAt: number;
  api: number;
  ok: boolean;
}

/**
 * Two loops for the whole run: a request that reads the database (`GET
 * /api/notifications/unread-count`) against each API every `everyMs`, and `GET /api/health`
 * against each API every 1.5 s, as a load balancer polls it (the Redis loss showed up
 * only with that polling).
 */
export class Prober {
  readonly probes: ProbeRecord[] = [];
  private stopped = false;

  constructor(
    private readonly ctx: ChaosContext,
    private readonly token: string,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  private running(): boolean {
    return !this.stopped && Date.now() < this.ctx.deadline;
  }

  async requests(everyMs: number): Promise<void> {
    while (this.running()) {
      await Promise.all(
        this.ctx.urls.map(async (url, api) => {
          const sentAt = Date.now();
          const res = await this.ctx.rest.once(
            url,
            'GET',
            '/api/notifications/unread-count',
            'probe',
            {
              token: this.token,
              timeoutMs: 2000,
            },
          );
          this.probes.push({ sentAt, answeredAt: Date.now(), api, ok: isOk(res.outcome) });
        }),
      );
      await sleep(everyMs);
    }
  }

  async health(): Promise<void> {
    while (this.running()) {
      await Promise.all(
        this.ctx.urls.map((url) =>
          this.ctx.rest.once(url, 'GET', '/api/health', 'health', { timeoutMs: 1500 }),
        ),
      );
      await sleep(1500);
    }
  }

  /** When every API has answered a probe sent at or after `from` (null: not yet). */
  requestsRecoveredAt(from: number): number | null {
    let latest = 0;
    for (let api = 0; api < this.ctx.urls.length; api++) {
      const first = this.probes.find((p) => p.api === api && p.ok && p.sentAt >= from);
      if (!first) return null;
      latest = Math.max(latest, first.answeredAt);
    }
    return latest;
  }
}
