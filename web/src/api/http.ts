import { session } from '@web/api/session';
import { everyPage } from '@web/api/paging';
import type { ErrorBody, Page } from '@web/api/types';

/** A refusal from the API (or the network), with the API's stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Codes after which the token is no use: the session is over, sign in again. */
const SESSION_OVER = new Set(['TOKEN_EXPIRED', 'UNAUTHENTICATED']);

type Query = Record<string, string | number | boolean | undefined>;

export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: {
    body?: unknown;
    query?: Query;
    signal?: AbortSignal;
    auth?: boolean;
    token?: string;
  } = {},
): Promise<T> {
  const url = new URL(`/api${path}`, window.location.origin);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = options.token ?? (options.auth === false ? null : session.token());
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached');
  }
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const error = (body as { error?: ErrorBody } | null)?.error;
    const code = error?.code ?? (res.status >= 500 ? 'INTERNAL' : 'UNKNOWN');
    if (token !== null && res.status === 401 && SESSION_OVER.has(code)) session.end('expired');
    throw new ApiError(res.status, code, error?.message ?? res.statusText, error?.field);
  }
  return body as T;
}

/**
 * Every item of a paged list, page after page: the admin pages and pickers list every person,
 * queue and line, and an office may have more than one page of them.
 */
export function allPages<T>(path: string, query: Query = {}): Promise<Page<T>> {
  return everyPage((limit, offset) =>
    request<Page<T>>('GET', path, { query: { ...query, limit, offset } }),
  );
}
