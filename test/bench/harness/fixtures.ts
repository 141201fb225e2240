import type { Api } from '@test/bench/harness/api';

/** Directory records the telephony and routing scenarios need, created through the admin API. */
export async function createLineAndQueue(
  api: Api,
  adminToken: string,
  tag: string,
  queue: Record<string, unknown> = {},
): Promise<{ lineCode: string; queueCode: string; queueId: string }> {
  const lineCode = `bench-line-${tag}`;
  const queueCode = `bench-queue-${tag}`;
  await api.expect(201, 'POST', '/api/lines', {
    token: adminToken,
    body: { code: lineCode, name: `Bench line ${tag}`, channels: 500 },
  });
  const created = await api.expect<{ id: string }>(201, 'POST', '/api/queues', {
    token: adminToken,
    body: { code: queueCode, name: `Bench queue ${tag}`, ...queue },
  });
  return { lineCode, queueCode, queueId: created.id };
}

export async function addQueueMembers(
  api: Api,
  adminToken: string,
  queueId: string,
  userIds: string[],
) {
  for (let i = 0; i < userIds.length; i += 10) {
    await Promise.all(
      userIds.slice(i, i + 10).map((id) =>
        api.expect(200, 'PUT', `/api/queues/${queueId}/members/${id}`, {
          token: adminToken,
          body: { skillLevel: 5 },
        }),
      ),
    );
  }
}

export async function createApiKey(api: Api, adminToken: string): Promise<string> {
  const res = await api.expect<{ key: string }>(201, 'POST', '/api/api-keys', {
    token: adminToken,
    body: { name: 'bench connector' },
  });
  return res.key;
}
