import { request } from '@web/api/http';
import type {
  ClientBrief,
  ClientChain,
  ContactBrief,
  PlannedContact,
  PlannedContactDetail,
  PlannedKind,
  PlannerReason,
  PlannerSettings,
} from '@web/api/planner-types';
import type { Page } from '@web/api/types';

export * from '@web/api/planner-types';

export interface NewPlan {
  kind: PlannedKind;
  subject: string;
  startsAt: string;
  durationMinutes?: number;
  note?: string;
  clientId?: string;
  assigneeId?: string;
  followsPlannedId?: string;
  followsRequestStageId?: string;
  followsRequestId?: string;
  followsCallId?: string;
}

export interface Reason {
  reasonId?: string;
  reasonText?: string;
  note?: string;
}

export const plannerApi = {
  settings: () => request<PlannerSettings>('GET', '/planner/settings'),
  reasons: () => request<PlannerReason[]>('GET', '/planner/reasons'),
  list: (query: {
    assigneeId?: string;
    from?: string;
    to?: string;
    overdue?: boolean;
    clientId?: string;
  }) =>
    request<Page<PlannedContact>>('GET', '/planned-contacts', { query: { ...query, limit: 200 } }),
  get: (id: string) => request<PlannedContactDetail>('GET', `/planned-contacts/${id}`),
  create: (body: NewPlan) => request<PlannedContact>('POST', '/planned-contacts', { body }),
  update: (id: string, body: Partial<Pick<NewPlan, 'subject' | 'note' | 'durationMinutes'>>) =>
    request<PlannedContact>('PATCH', `/planned-contacts/${id}`, { body }),
  done: (id: string, body: { note?: string }) =>
    request<PlannedContact>('POST', `/planned-contacts/${id}/done`, { body }),
  postpone: (id: string, body: Reason & { startsAt: string }) =>
    request<PlannedContact>('POST', `/planned-contacts/${id}/postpone`, { body }),
  fail: (id: string, body: Reason) =>
    request<PlannedContact>('POST', `/planned-contacts/${id}/fail`, { body }),
  cancel: (id: string, body: Reason) =>
    request<PlannedContact>('POST', `/planned-contacts/${id}/cancel`, { body }),
  callNow: (id: string) =>
    request<{ extension: string; number: string }>('POST', `/planned-contacts/${id}/call-now`),
  chain: (clientId: string) => request<ClientChain>('GET', `/clients/${clientId}/chain`),
  client: (id: string) => request<ClientBrief>('GET', `/clients/${id}`),
  contact: (id: string) => request<ContactBrief>('GET', `/contacts/${id}`),
  clientContacts: (clientId: string) =>
    request<Page<ContactBrief>>('GET', `/clients/${clientId}/contacts`, { query: { limit: 20 } }),
  searchClients: (q: string) =>
    request<Page<ClientBrief>>('GET', '/clients', { query: { q, limit: 8 } }),
};

/** The planner with the new-plan form open, made in a request's stage (the request links here). */
/** The planner with a new planned call open, following the call the person is on. */
export function planCallBackPath(from: {
  callId: string;
  subject: string;
  clientId?: string | null;
}) {
  const query = new URLSearchParams({ call: from.callId, subject: from.subject });
  if (from.clientId) query.set('client', from.clientId);
  return `/planner?${query.toString()}`;
}

export function planInStagePath(from: {
  stageId: string;
  subject: string;
  clientId?: string | null;
}) {
  const query = new URLSearchParams({ stage: from.stageId, subject: from.subject });
  if (from.clientId) query.set('client', from.clientId);
  return `/planner?${query.toString()}`;
}
