import { parseEventTime, parseTelephonyEvent } from '@/modules/calls/telephony-event';

describe('parseEventTime', () => {
  it.each([
    ['2026-03-02T10:00:00Z', '2026-03-02T10:00:00.000Z'],
    ['2026-03-02T10:00:00+03:00', '2026-03-02T07:00:00.000Z'],
    ['2026-03-02T10:00:00-0530', '2026-03-02T15:30:00.000Z'],
    ['2026-03-02T10:00+01', '2026-03-02T09:00:00.000Z'],
    ['2026-03-02T10:00:00.5Z', '2026-03-02T10:00:00.500Z'],
    ['2026-03-02T10:00:00.123456789+00:00', '2026-03-02T10:00:00.123Z'],
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z'],
  ])('reads %s as %s', (raw, iso) => {
    expect(parseEventTime(raw)?.toISOString()).toBe(iso);
  });

  it.each([
    '2026-03-02T10:00:00',
    '2026-03-02 10:00:00Z',
    '2026-03-02',
    '2026-02-30T10:00:00Z',
    '2025-02-29T10:00:00Z',
    '2026-13-01T10:00:00Z',
    '2026-03-02T24:00:00Z',
    '2026-03-02T10:60:00Z',
    '2026-03-02T10:00:00+24:00',
    '1772445600000',
    'yesterday',
    '',
  ])('refuses %j', (raw) => {
    expect(parseEventTime(raw)).toBeNull();
  });
});

describe('parseTelephonyEvent', () => {
  const valid = {
    id: 'e1',
    callId: 'c1',
    type: 'answered',
    at: '2026-03-02T10:00:00Z',
    line: 'main',
    from: '+12015550123',
    to: '+12015550100',
    queue: 'sales',
    agent: '201',
  };

  it('accepts a complete event and keeps codes as sent', () => {
    expect(parseTelephonyEvent(valid)).toEqual({
      ok: true,
      event: { ...valid, at: new Date('2026-03-02T10:00:00Z') },
    });
  });

  it('treats absent, null and empty optional fields alike, and an empty caller id as withheld', () => {
    const parsed = parseTelephonyEvent({
      ...valid,
      to: null,
      queue: undefined,
      agent: null,
      from: ' ',
    });
    expect(parsed).toMatchObject({
      ok: true,
      event: { to: null, queue: null, agent: null, from: null },
    });
  });

  it.each([
    [{ ...valid, id: '' }, /id must be/],
    [{ ...valid, id: 'x'.repeat(201) }, /id must be/],
    [{ ...valid, id: 5 }, /id must be/],
    [{ ...valid, callId: undefined }, /callId must be/],
    [{ ...valid, callId: 'manual:123' }, /manual:/],
    [{ ...valid, type: 'missed' }, /type must be one of/],
    [{ ...valid, at: '2026-03-02T10:00:00' }, /offset/],
    [{ ...valid, at: 1772445600000 }, /offset/],
    [{ ...valid, line: undefined }, /line is required/],
    [{ ...valid, line: '  ' }, /line must be a code/],
    [{ ...valid, queue: 'a\nb' }, /queue must be a code/],
    [{ ...valid, agent: 201 }, /agent must be a code/],
    [{ ...valid, from: undefined }, /from must be/],
    [{ ...valid, to: 5 }, /to must be/],
    [{ ...valid, extra: true }, /unknown field 'extra'/],
  ])('rejects %j', (raw, reason) => {
    const parsed = parseTelephonyEvent(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('reports the id when it can, and null when there is none', () => {
    expect(parseTelephonyEvent({ ...valid, type: 'x' })).toMatchObject({ ok: false, id: 'e1' });
    expect(parseTelephonyEvent([valid])).toMatchObject({ ok: false, id: null });
    expect(parseTelephonyEvent(null)).toMatchObject({ ok: false, id: null });
  });
});
