import { createApiKey, createUser } from '@test/support/users';
import { startApp, TestApp } from '@test/support/test-app';

type Caller = 'anonymous' | 'admin' | 'supervisor' | 'receptionist' | 'agent' | 'connector';
const CALLERS: Caller[] = [
  'anonymous',
  'admin',
  'supervisor',
  'receptionist',
  'agent',
  'connector',
];

const STAFF = ['admin', 'supervisor', 'receptionist', 'agent'] as const;
const USERS = ['admin', 'supervisor', 'receptionist', 'agent'] as const;
const CONSOLE = ['admin', 'supervisor', 'receptionist'] as const;
const WORKERS = ['supervisor', 'receptionist', 'agent'] as const;

/**
 * Who may call every route. The test reads the routes from the OpenAPI document, so a new route
 * without a row here fails the test: adding a route means deciding who may call it.
 */
const ACCESS: Record<string, readonly (Caller | 'public')[]> = {
  'POST /api/auth/login': ['public'],
  'GET /api/health': ['public'],
  'GET /metrics': ['public'],
  'GET /api/me': USERS,
  'POST /api/users': ['admin'],
  'GET /api/users': CONSOLE,
  'GET /api/users/{id}': CONSOLE,
  'GET /api/people': STAFF,
  'PATCH /api/users/{id}': ['admin'],
  'POST /api/users/{id}/sessions/revoke': ['admin'],
  'POST /api/me/sessions/revoke': USERS,
  'POST /api/api-keys': ['admin'],
  'GET /api/api-keys': ['admin'],
  'DELETE /api/api-keys/{id}': ['admin'],
  'GET /api/me/status': WORKERS,
  'PUT /api/me/status': WORKERS,
  'GET /api/staff/presence': CONSOLE,
  'GET /api/erlang/b': ['admin', 'supervisor'],
  'GET /api/erlang/lines-needed': ['admin', 'supervisor'],
  'GET /api/erlang/c': ['admin', 'supervisor'],
  'GET /api/erlang/agents-needed': ['admin', 'supervisor'],
  // stats (a 400 for the missing from/to still proves the caller got past the guard)
  'GET /api/stats/lines': ['admin', 'supervisor'],
  'GET /api/stats/queues': ['admin', 'supervisor'],
  'GET /api/stats/staff': ['admin', 'supervisor'],
  'GET /api/stats/clients': ['admin', 'supervisor'],
  'GET /api/stats/heatmap': ['admin', 'supervisor'],
  'GET /api/stats/forecast': ['admin', 'supervisor'],
  'GET /api/stats/live': ['admin', 'supervisor'],
  'GET /api/calls/{id}/routing': CONSOLE,
  'GET /api/requests/{id}/routing': CONSOLE,
  'POST /api/telephony/events': ['connector'],
  'GET /api/telephony/unmapped-codes': ['admin'],
  'GET /api/telephony/code-mappings': ['admin'],
  'POST /api/telephony/code-mappings': ['admin'],
  'DELETE /api/telephony/code-mappings/{kind}/{code}': ['admin'],
  'POST /api/calls': CONSOLE,
  'GET /api/calls': CONSOLE,
  'GET /api/calls/unfinished': CONSOLE,
  // agents may read the calls they answered; for other calls they get 403, which the table
  // treats as refused, so they are listed as not allowed here and tested in calls.e2e.
  'GET /api/calls/{id}': CONSOLE,
  'GET /api/calls/{id}/events': CONSOLE,
  'POST /api/calls/{id}/callback-done': STAFF,
  'POST /api/calls/{id}/dial-back': STAFF,
  // agents may end or transfer the call they are on; on any other call they get 403, so they are
  // listed as not allowed here and tested in call-actions.e2e.
  'POST /api/calls/{id}/end': CONSOLE,
  'POST /api/calls/{id}/transfer': CONSOLE,
  'POST /api/calls/{id}/assign': CONSOLE,
  'POST /api/calls/{id}/callback': CONSOLE,
  'GET /api/clients/{id}/history': STAFF,
  // directory
  'POST /api/clients': CONSOLE,
  'GET /api/clients': STAFF,
  'GET /api/clients/{id}': STAFF,
  'PATCH /api/clients/{id}': CONSOLE,
  'DELETE /api/clients/{id}': CONSOLE,
  'POST /api/clients/{id}/contacts': CONSOLE,
  'GET /api/clients/{id}/contacts': STAFF,
  'GET /api/contacts/{id}': STAFF,
  'PATCH /api/contacts/{id}': CONSOLE,
  'DELETE /api/contacts/{id}': CONSOLE,
  'POST /api/lines': ['admin'],
  'GET /api/lines': STAFF,
  'GET /api/lines/{id}': STAFF,
  'PATCH /api/lines/{id}': ['admin'],
  'DELETE /api/lines/{id}': ['admin'],
  'POST /api/queues': ['admin'],
  'GET /api/queues': STAFF,
  'GET /api/queues/{id}': STAFF,
  'PATCH /api/queues/{id}': ['admin'],
  'DELETE /api/queues/{id}': ['admin'],
  'GET /api/queues/{id}/members': STAFF,
  'PUT /api/queues/{id}/members/{userId}': ['admin'],
  'DELETE /api/queues/{id}/members/{userId}': ['admin'],
  'GET /api/directory/lookup': STAFF,
  // notifications
  'GET /api/notifications': USERS,
  'GET /api/notifications/unread-count': USERS,
  'POST /api/notifications/read-all': USERS,
  'POST /api/notifications/{id}/read': USERS,
  'POST /api/notifications/{id}/archive': USERS,
  'GET /api/me/notification-settings': USERS,
  'PUT /api/me/notification-settings': USERS,
  'POST /api/broadcasts': ['admin', 'supervisor'],
  'GET /api/broadcasts/{id}': ['admin', 'supervisor'],
  'POST /api/broadcasts/{id}/ack': USERS,
  // chat
  'POST /api/chat/rooms': USERS,
  'GET /api/chat/rooms': USERS,
  'POST /api/chat/rooms/{id}/members/{userId}': USERS,
  'DELETE /api/chat/rooms/{id}/members/{userId}': USERS,
  'GET /api/chat/rooms/{id}/messages': USERS,
  'PATCH /api/chat/messages/{id}': USERS,
  'DELETE /api/chat/messages/{id}': USERS,
  'GET /api/chat/presence': USERS,
  // requests (agents reach their own; for an unknown id they get 404, which is not a refusal)
  'POST /api/requests': STAFF,
  'GET /api/requests': STAFF,
  'GET /api/requests/{id}': STAFF,
  'POST /api/requests/{id}/advance': STAFF,
  'PATCH /api/requests/{id}/stage': CONSOLE,
  'PUT /api/queues/{id}/request-stages': ['admin'],
  // planner (agents reach their own plans; another's, or an unknown id, is 404, not a refusal)
  'POST /api/planned-contacts': STAFF,
  'GET /api/planned-contacts': STAFF,
  'GET /api/planned-contacts/{id}': STAFF,
  'PATCH /api/planned-contacts/{id}': STAFF,
  'POST /api/planned-contacts/{id}/done': STAFF,
  'POST /api/planned-contacts/{id}/postpone': STAFF,
  'POST /api/planned-contacts/{id}/fail': STAFF,
  'POST /api/planned-contacts/{id}/cancel': STAFF,
  'POST /api/planned-contacts/{id}/call-now': STAFF,
  'GET /api/planner/settings': STAFF,
  'POST /api/calls/{id}/plan-callback': STAFF,
  'GET /api/clients/{id}/chain': STAFF,
  'GET /api/planner/reasons': STAFF,
  'POST /api/planner/reasons': ['admin'],
  'PATCH /api/planner/reasons/{id}': ['admin'],
  'DELETE /api/planner/reasons/{id}': ['admin'],
  'POST /api/me/calendar-token': USERS,
  'DELETE /api/me/calendar-token': USERS,
  // the feed token is the credential (calendar apps send no bearer token): 400 without one
  'GET /api/me/calendar.ics': ['public'],
  'GET /api/stats/planner': ['admin', 'supervisor'],
};

/** Routes that end the caller's own session: called last, so the caller's token serves the rest. */
const ENDS_OWN_SESSION = new Set(['POST /api/me/sessions/revoke']);

describe('access table (e2e): every role boundary of every route', () => {
  let app: TestApp;
  const credentials = new Map<Caller, Record<string, string>>();
  let routes: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    credentials.set('anonymous', {});
    for (const role of ['admin', 'supervisor', 'receptionist', 'agent'] as const) {
      const user = await createUser(app, [role]);
      credentials.set(role, { authorization: `Bearer ${user.token}` });
    }
    credentials.set('connector', { 'x-api-key': await createApiKey(app) });
    const doc = await app.http.get('/api/docs/openapi.json').expect(200);
    const paths = doc.body.paths as Record<string, Record<string, unknown>>;
    routes = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    routes.push('GET /metrics');
    routes.sort((a, b) => Number(ENDS_OWN_SESSION.has(a)) - Number(ENDS_OWN_SESSION.has(b)));
  });
  afterAll(() => app.close());

  it('has an access row for every route the server exposes, and no stale rows', () => {
    expect([...routes].sort()).toEqual(Object.keys(ACCESS).sort());
  });

  it.each(CALLERS)('%s gets through exactly the routes it may call', async (caller) => {
    const failures: string[] = [];
    for (const route of routes) {
      const [method, template] = route.split(' ');
      const path = template.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const allowed = ACCESS[route].includes('public') || ACCESS[route].includes(caller);
      let req = app.http[method.toLowerCase() as 'get'](path);
      for (const [header, value] of Object.entries(credentials.get(caller)!))
        req = req.set(header, value);
      if (method !== 'GET' && method !== 'DELETE') req = req.send({});
      const res = await req;
      const refused = res.status === 401 || res.status === 403;
      if (allowed && refused) failures.push(`${route}: ${caller} refused with ${res.status}`);
      if (!allowed && !refused)
        failures.push(`${route}: ${caller} was let through (${res.status})`);
      if (!allowed && caller === 'anonymous' && res.status !== 401)
        failures.push(`${route}: anonymous got ${res.status}, not 401`);
      if (res.status >= 500) failures.push(`${route}: ${caller} caused ${res.status}`);
    }
    expect(failures).toEqual([]);
  });
});
