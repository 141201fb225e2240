import type { HttpOutcome, Timeline } from '@test/chaos/harness/timeline';

export interface RestAnswer<T = unknown> {
  outcome: HttpOutcome;
  body: T | null;
}

export interface RestOptions {
  token?: string;
  apiKey?: string;
  body?: unknown;
  timeoutMs?: number;
  /** Index of the API to try first. */
  prefer?: number;
}

/**
 * HTTP to the API processes as a load balancer would route it: the preferred API first, the next
 * one when the connection fails (not on an error status: the process answered). Every answer is
 * recorded in the timeline under the current phase.
 */
export class FailoverRest {
  constructor(
    readonly urls: string[],
    private readonly timeline: Timeline,
  ) {}

  async once<T = unknown>(
    url: string,
    method: string,
    path: string,
    source: string,
    opts: RestOptions = {},
  ): Promise<RestAnswer<T>> {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.apiKey) headers['x-api-key'] = opts.apiKey;
    let answer: RestAnswer<T>;
    try {
      const res = await fetch(`${url}${path}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
      });
      const text = await res.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      answer = { outcome: res.status, body: body as T };
    } catch (err) {
      const name = (err as { name?: string }).name;
      answer = { outcome: name === 'TimeoutError' ? 'timeout' : 'error', body: null };
    }
    this.timeline.recordHttp(source, answer.outcome);
    return answer;
  }

  async call<T = unknown>(
    method: string,
    path: string,
    source: string,
    opts: RestOptions = {},
  ): Promise<RestAnswer<T>> {
    const first = opts.prefer ?? 0;
    let answer: RestAnswer<T> = { outcome: 'error', body: null };
    for (let i = 0; i < this.urls.length; i++) {
      const url = this.urls[(first + i) % this.urls.length];
      answer = await this.once<T>(url, method, path, source, opts);
      if (answer.outcome !== 'error') return answer;
    }
    return answer;
  }
}

export function isOk(outcome: HttpOutcome): boolean {
  return typeof outcome === 'number' && outcome >= 200 && outcome < 300;
}
