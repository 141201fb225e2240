import { DriverException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { isUnavailable, mapError } from '@/common/errors/error-mapper';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('mapError: the database is unavailable', () => {
  it.each([
    ['admin shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['starting up', withCode('the database system is starting up', '57P03')],
    ['connection failure', withCode('connection failure', '08006')],
    ['refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['reset', withCode('read ECONNRESET', 'ECONNRESET')],
    [
      'pool acquire timeout',
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), {
        name: 'KnexTimeoutError',
      }),
    ],
    ['cut mid-query', new Error('Connection terminated unexpectedly')],
    [
      'cut mid-query, as MikroORM reports it (the SQL first)',
      new DriverException(
        new Error(
          'select r.user_id from broadcast_recipients r - Connection terminated unexpectedly',
        ),
      ),
    ],
    [
      'a connection already broken, as MikroORM reports it',
      new DriverException(
        new Error(
          'select status from calls for update - Client has encountered a connection error and is not queryable',
        ),
      ),
    ],
    [
      'a transaction whose connection died under it (knex)',
      new DriverException(
        new Error('Transaction query already complete, run with DEBUG=knex:tx for more info'),
      ),
    ],
    [
      'wrapped by MikroORM',
      new DriverException(withCode('terminating connection due to administrator command', '57P01')),
    ],
    [
      'as a cause',
      new Error('transaction failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') }),
    ],
  ])('%s → 503 SERVICE_UNAVAILABLE', (_, err) => {
    expect(isUnavailable(err)).toBe(true);
    expect(mapError(err)).toMatchObject({
      status: 503,
      body: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(mapError(err).unexpected).toBeUndefined();
  });

  it('leaves other database errors alone', () => {
    expect(isUnavailable(withCode('syntax error', '42601'))).toBe(false);
    expect(isUnavailable(withCode('deadlock detected', '40P01'))).toBe(false);
    // The words alone, inside a message about something else, are not the driver's verdict.
    expect(isUnavailable(new Error("column 'Connection terminated' does not exist"))).toBe(false);
    expect(mapError(withCode('syntax error', '42601'))).toMatchObject({
      status: 500,
      body: { code: 'INTERNAL' },
    });
    expect(
      mapError(new UniqueConstraintViolationException(withCode('duplicate key', '23505'))).status,
    ).toBe(409);
  });
});
