import { request } from '@web/api/http';
import type { ClientRequest, Page, RequestChannel, RequestStatus } from '@web/api/types';

export interface NewRequest {
  channel: RequestChannel;
  subject: string;
  body?: string;
  priority?: number;
  queue?: string;
  clientId?: string;
  callId?: string;
  assigneeId?: string;
}

export const requestsApi = {
  list: (query: { assigneeId?: string; queue?: string; status?: RequestStatus }) =>
    request<Page<ClientRequest>>('GET', '/requests', { query: { ...query, limit: 200 } }),
  get: (id: string) => request<ClientRequest>('GET', `/requests/${id}`),
  create: (body: NewRequest) => request<ClientRequest>('POST', '/requests', { body }),
  advance: (id: string, body: { note?: string; assigneeId?: string; dueAt?: string }) =>
    request<ClientRequest>('POST', `/requests/${id}/advance`, { body }),
};

/** The link the console (or anything else) opens to register a request from a call. */
export function newRequestPath(from: { callId?: string; clientId?: string; queue?: string }) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(from)) if (value) query.set(key, value);
  const search = query.toString();
  return `/requests/new${search ? `?${search}` : ''}`;
}
