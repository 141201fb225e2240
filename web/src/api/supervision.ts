import { allPages, ApiError, request } from '@web/api/http';
import { session } from '@web/api/session';
import type { Page, Role } from '@web/api/types';
import type {
  AdminLine,
  AdminQueue,
  AdminUser,
  AgentsNeeded,
  ApiKey,
  Broadcast,
  CodeKind,
  CodeMapping,
  Forecast,
  Heatmap,
  LineRow,
  LinesNeeded,
  QueueRow,
  QueueSettings,
  Report,
  ReportQuery,
  RoutingDecision,
  StaffRow,
  StatsLive,
  UnmappedCode,
} from '@web/api/supervision-types';

/** REST calls of the wallboard, the reports and the admin pages. */

/** A report as the server's CSV (`Accept: text/csv`): the download is exactly what it sent. */
async function csv(path: string, query: Record<string, string>): Promise<string> {
  const url = new URL(`/api${path}`, window.location.origin);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, {
    headers: { accept: 'text/csv', authorization: `Bearer ${session.token() ?? ''}` },
  }).catch(() => {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached');
  });
  if (!res.ok) throw new ApiError(res.status, 'UNKNOWN', res.statusText);
  return res.text();
}

type Q = Record<string, string>;
const reportQuery = (q: ReportQuery, extra: Q = {}): Q => ({ ...q, ...extra });

export const supervision = {
  live: () => request<StatsLive>('GET', '/stats/live'),
  lineReport: (q: ReportQuery, lineId?: string) =>
    request<Report<LineRow>>('GET', '/stats/lines', {
      query: reportQuery(q, lineId ? { lineId } : {}),
    }),
  queueReport: (q: ReportQuery, queueId?: string) =>
    request<Report<QueueRow>>('GET', '/stats/queues', {
      query: reportQuery(q, queueId ? { queueId } : {}),
    }),
  staffReport: (q: ReportQuery) =>
    request<Report<StaffRow>>('GET', '/stats/staff', { query: reportQuery(q) }),
  heatmap: (q: Omit<ReportQuery, 'bucket'>, queueId?: string) =>
    request<Heatmap>('GET', '/stats/heatmap', {
      query: { from: q.from, to: q.to, tz: q.tz, ...(queueId ? { queueId } : {}) },
    }),
  forecast: (q: Omit<ReportQuery, 'bucket'>, queue: string) =>
    request<Forecast>('GET', '/stats/forecast', {
      query: { from: q.from, to: q.to, tz: q.tz, queue },
    }),
  reportCsv: (report: 'lines' | 'queues' | 'staff', q: ReportQuery) =>
    csv(`/stats/${report}`, reportQuery(q)),
  linesNeeded: (traffic: number, blocking: number) =>
    request<LinesNeeded>('GET', '/erlang/lines-needed', { query: { traffic, blocking } }),
  agentsNeeded: (p: {
    traffic: number;
    aht: number;
    target: number;
    level: number;
    maxOccupancy: number;
  }) => request<AgentsNeeded>('GET', '/erlang/agents-needed', { query: p }),

  users: () => allPages<AdminUser>('/users'),
  createUser: (body: {
    username: string;
    password: string;
    displayName: string;
    roles: Role[];
    extension?: string;
  }) => request<AdminUser>('POST', '/users', { body }),
  updateUser: (
    id: string,
    body: Partial<{
      displayName: string;
      password: string;
      roles: Role[];
      extension: string;
      active: boolean;
    }>,
  ) => request<AdminUser>('PATCH', `/users/${id}`, { body }),

  queues: () => allPages<AdminQueue>('/queues'),
  createQueue: (body: QueueSettings & { code: string }) =>
    request<AdminQueue>('POST', '/queues', { body }),
  updateQueue: (id: string, body: Partial<QueueSettings>) =>
    request<AdminQueue>('PATCH', `/queues/${id}`, { body }),
  putMember: (queueId: string, userId: string, skillLevel: number) =>
    request<unknown>('PUT', `/queues/${queueId}/members/${userId}`, { body: { skillLevel } }),
  removeMember: (queueId: string, userId: string) =>
    request<unknown>('DELETE', `/queues/${queueId}/members/${userId}`),
  lines: () => allPages<AdminLine>('/lines'),
  createLine: (body: { code: string; name: string; channels: number }) =>
    request<AdminLine>('POST', '/lines', { body }),
  updateLine: (id: string, body: Partial<{ name: string; channels: number }>) =>
    request<AdminLine>('PATCH', `/lines/${id}`, { body }),

  apiKeys: () => request<ApiKey[]>('GET', '/api-keys'),
  createApiKey: (name: string) =>
    request<ApiKey & { key: string }>('POST', '/api-keys', { body: { name } }),
  revokeApiKey: (id: string) => request<void>('DELETE', `/api-keys/${id}`),

  unmappedCodes: () =>
    request<Page<UnmappedCode>>('GET', '/telephony/unmapped-codes', { query: { limit: 200 } }),
  codeMappings: () => request<CodeMapping[]>('GET', '/telephony/code-mappings'),
  mapCode: (kind: CodeKind, code: string, targetId: string) =>
    request<CodeMapping>('POST', '/telephony/code-mappings', { body: { kind, code, targetId } }),
  unmapCode: (kind: CodeKind, code: string) =>
    request<void>('DELETE', `/telephony/code-mappings/${kind}/${encodeURIComponent(code)}`),

  callRouting: (id: string) => request<RoutingDecision[]>('GET', `/calls/${id}/routing`),
  requestRouting: (id: string) => request<RoutingDecision[]>('GET', `/requests/${id}/routing`),
  findCall: (externalId: string) =>
    request<Page<{ id: string; externalId: string }>>('GET', '/calls', {
      query: { externalId, limit: 1 },
    }).then((p) => p.items[0] ?? null),

  broadcast: (body: {
    text: string;
    critical: boolean;
    requireAck: boolean;
    roles?: Role[];
    queueId?: string;
  }) => request<{ id: string }>('POST', '/broadcasts', { body }),
  broadcastStatus: (id: string) => request<Broadcast>('GET', `/broadcasts/${id}`),
};
