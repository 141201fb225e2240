import { allPages, request } from '@web/api/http';
import type {
  Call,
  DirectoryLookup,
  LoginResult,
  Line,
  Me,
  Page,
  Presence,
  Queue,
  RequestChannel,
  StaffStatus,
  UserSummary,
} from '@web/api/types';

/** Typed REST calls: pages never build a URL themselves. */
export const api = {
  login: (username: string, password: string) =>
    request<LoginResult>('POST', '/auth/login', { body: { username, password }, auth: false }),
  me: (token?: string) => request<Me>('GET', '/me', { token }),

  myStatus: () => request<Presence>('GET', '/me/status'),
  setMyStatus: (status: StaffStatus, reason?: string) =>
    request<Presence>('PUT', '/me/status', { body: reason ? { status, reason } : { status } }),
  staffPresence: () => request<Presence[]>('GET', '/staff/presence'),
  users: () => allPages<UserSummary>('/users'),

  queues: () => allPages<Queue>('/queues'),
  lines: () => allPages<Line>('/lines'),
  lookup: (phone: string, signal?: AbortSignal) =>
    request<DirectoryLookup>('GET', '/directory/lookup', { query: { phone }, signal }),

  call: (id: string) => request<Call>('GET', `/calls/${id}`),
  registerCall: (body: {
    from: string;
    line: string;
    queue?: string;
    clientId?: string;
    topic?: string;
    note?: string;
  }) => request<Call>('POST', '/calls', { body }),
  unfinishedCalls: (caller?: string) =>
    request<Page<Call>>('GET', '/calls/unfinished', {
      query: caller === undefined ? { limit: 200 } : { limit: 200, caller },
    }),
  calledBack: (id: string) => request<Call>('POST', `/calls/${id}/callback-done`),
  endCall: (id: string) => request<unknown>('POST', `/calls/${id}/end`),
  assignCall: (id: string, userId: string) =>
    request<unknown>('POST', `/calls/${id}/assign`, { body: { userId } }),
  transferCall: (id: string, to: { toUserId: string } | { toQueue: string }) =>
    request<unknown>('POST', `/calls/${id}/transfer`, { body: to }),
  holdForCallback: (id: string, note?: string) =>
    request<unknown>('POST', `/calls/${id}/callback`, { body: note ? { note } : {} }),

  createRequest: (body: {
    channel: RequestChannel;
    subject: string;
    body?: string;
    clientId?: string;
    queue?: string;
    callId?: string;
  }) => request<{ id: string; number: number }>('POST', '/requests', { body }),
};
