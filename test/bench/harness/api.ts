import { randomBytes } from 'node:crypto';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

/** Minimal JSON client for the API under test (Node's built-in fetch, keep-alive). */
export class Api {
  constructor(readonly url: string) {}

  async call<T = unknown>(
    method: string,
    path: string,
    opts: { token?: string; apiKey?: string; body?: unknown } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.apiKey) headers['x-api-key'] = opts.apiKey;
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: body as T };
  }

  async expect<T = unknown>(
    status: number,
    method: string,
    path: string,
    opts: { token?: string; apiKey?: string; body?: unknown } = {},
  ): Promise<T> {
    const res = await this.call<T>(method, path, opts);
    if (res.status !== status) {
      throw new Error(
        `${method} ${path} answered ${res.status}, expected ${status}: ${JSON.stringify(res.body)}`,
      );
    }
    return res.body;
  }

  async login(username: string, password: string): Promise<string> {
    const body = await this.expect<{ accessToken: string }>(200, 'POST', '/api/auth/login', {
      body: { username, password },
    });
    return body.accessToken;
  }

  /**
   * Whether a route exists: the API answers an unmatched route 404 `ROUTE_NOT_FOUND`
   * ("Cannot POST …"), while a matched route with a bad body or a missing record answers
   * something else (400, 401, 403, or 404 with another code).
   */
  async routeExists(
    method: string,
    path: string,
    opts: { token?: string; apiKey?: string; body?: unknown } = {},
  ): Promise<{ exists: boolean; status: number }> {
    const res = await this.call<{ error?: { code?: string; message?: string } }>(
      method,
      path,
      opts,
    );
    if (res.status !== 404) return { exists: true, status: res.status };
    const error = typeof res.body === 'object' && res.body !== null ? res.body.error : undefined;
    const unmatched =
      error?.code === 'ROUTE_NOT_FOUND' || /^Cannot [A-Z]+ /.test(error?.message ?? '');
    return { exists: !unmatched, status: res.status };
  }
}

export interface BenchUser {
  id: string;
  username: string;
  token: string;
}

/** Every pool user's password (a browser scenario signs in with it). */
export const BENCH_PASSWORD = 'bench-password-1';
const PASSWORD = BENCH_PASSWORD;

/**
 * Users created once per run through the admin API and reused by every scenario (the database
 * outlives API restarts, and tokens stay valid because the JWT secret does).
 */
export class UserPool {
  private readonly byRole = new Map<string, BenchUser[]>();
  private adminToken: string | null = null;

  constructor(private readonly admin: { username: string; password: string }) {}

  async token(api: Api): Promise<string> {
    this.adminToken ??= await api.login(this.admin.username, this.admin.password);
    return this.adminToken;
  }

  /** At least `count` users with exactly this role, creating the missing ones. */
  async ensure(
    api: Api,
    role: 'agent' | 'supervisor' | 'receptionist',
    count: number,
    onProgress?: (done: number) => void,
  ): Promise<BenchUser[]> {
    const list = this.byRole.get(role) ?? [];
    this.byRole.set(role, list);
    const admin = await this.token(api);
    const missing = count - list.length;
    let done = 0;
    const createOne = async () => {
      const username = `bench_${role}_${randomBytes(5).toString('hex')}`;
      const created = await api.expect<{ id: string }>(201, 'POST', '/api/users', {
        token: admin,
        body: { username, password: PASSWORD, displayName: username, roles: [role] },
      });
      const token = await api.login(username, PASSWORD);
      list.push({ id: created.id, username, token });
      done += 1;
      if (done % 50 === 0) onProgress?.(done);
    };
    // Password hashing is the cost here; a few at a time keeps the API's thread pool busy.
    const workers = Array.from({ length: Math.min(6, Math.max(0, missing)) }, async (_, w) => {
      for (let i = w; i < missing; i += 6) await createOne();
    });
    await Promise.all(workers);
    return list.slice(0, count);
  }
}
