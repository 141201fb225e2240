import { randomBytes, randomInt } from 'node:crypto';
import type { ClientDto } from '@/modules/directory/dto/client.dto';
import type { ContactDto } from '@/modules/directory/dto/contact.dto';
import type { LineDto } from '@/modules/directory/dto/line.dto';
import type { QueueDto } from '@/modules/directory/dto/queue.dto';
import type { TestApp } from '@test/support/test-app';

/** Tests share one database and run in parallel, so every name and code carries this. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

export function uniqueCode(prefix: string): string {
  return `${prefix}-${uniqueSuffix()}`;
}

export interface TestPhone {
  e164: string;
  /** As dialled inside the US: `(201) 555-0123`. */
  national: string;
  /** Digits grouped by spaces, with the country code: `+1 201 555 0123`. */
  spaced: string;
  /** Bare national digits: `2015550123`. */
  digits: string;
}

/**
 * A random valid US number (area code 201, exchanges 200-999 are all assigned in the metadata),
 * one of eight million, so parallel tests do not find each other's entries by number.
 */
export function randomUsPhone(): TestPhone {
  const exchange = String(randomInt(200, 1000));
  const line = String(randomInt(0, 10_000)).padStart(4, '0');
  return {
    e164: `+1201${exchange}${line}`,
    national: `(201) ${exchange}-${line}`,
    spaced: `+1 201 ${exchange} ${line}`,
    digits: `201${exchange}${line}`,
  };
}

export async function createClient(
  app: TestApp,
  token: string,
  fields: Record<string, unknown> = {},
): Promise<ClientDto> {
  const res = await app.http
    .post('/api/clients')
    .set('authorization', `Bearer ${token}`)
    .send({ name: `Client ${uniqueSuffix()}`, ...fields })
    .expect(201);
  return res.body as ClientDto;
}

export async function createContact(
  app: TestApp,
  token: string,
  clientId: string,
  fields: Record<string, unknown> = {},
): Promise<ContactDto> {
  const res = await app.http
    .post(`/api/clients/${clientId}/contacts`)
    .set('authorization', `Bearer ${token}`)
    .send({ name: `Contact ${uniqueSuffix()}`, ...fields })
    .expect(201);
  return res.body as ContactDto;
}

export async function createLine(
  app: TestApp,
  token: string,
  fields: Record<string, unknown> = {},
): Promise<LineDto> {
  const res = await app.http
    .post('/api/lines')
    .set('authorization', `Bearer ${token}`)
    .send({ code: uniqueCode('line'), name: 'Test line', channels: 4, ...fields })
    .expect(201);
  return res.body as LineDto;
}

export async function createQueue(
  app: TestApp,
  token: string,
  fields: Record<string, unknown> = {},
): Promise<QueueDto> {
  const res = await app.http
    .post('/api/queues')
    .set('authorization', `Bearer ${token}`)
    .send({ code: uniqueCode('queue'), name: 'Test queue', ...fields })
    .expect(201);
  return res.body as QueueDto;
}
