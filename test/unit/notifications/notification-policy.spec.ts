import { deliveryMode } from '@/modules/notifications/notification-policy';
import { parseSince } from '@/modules/notifications/delivery/delivery.gateway';
import { sqlArray } from '@/modules/notifications/delivery/sql-array';

const now = new Date('2026-11-28T12:00:00Z');
const later = new Date('2026-11-28T13:00:00Z');

describe('deliveryMode', () => {
  it('delivers everything to someone without settings', () => {
    expect(deliveryMode(undefined, 'mention', false, now)).toBe('deliver');
  });

  it('skips a kind switched off, silences during do-not-disturb', () => {
    const settings = { kinds: { mention: { inApp: false } }, doNotDisturbUntil: later };
    expect(deliveryMode(settings, 'mention', false, now)).toBe('skip');
    expect(deliveryMode(settings, 'assignment', false, now)).toBe('silent');
    expect(deliveryMode(settings, 'assignment', false, new Date('2026-11-28T14:00:00Z'))).toBe(
      'deliver',
    );
  });

  it('never mutes or silences an offer or a critical notification', () => {
    const settings = {
      kinds: { offer: { inApp: false }, broadcast: { inApp: false } },
      doNotDisturbUntil: later,
    };
    expect(deliveryMode(settings, 'offer', false, now)).toBe('deliver');
    expect(deliveryMode(settings, 'broadcast', true, now)).toBe('deliver');
    expect(deliveryMode(settings, 'broadcast', false, now)).toBe('skip');
  });
});

describe('parseSince', () => {
  it.each([
    [0, 0],
    [42, 42],
    ['42', 42],
    [-1, null],
    [1.5, null],
    ['abc', null],
    ['', null],
    [undefined, null],
    [null, null],
    [Number.MAX_SAFE_INTEGER + 2, null],
  ])('%j → %j', (raw, expected) => {
    expect(parseSince(raw)).toBe(expected);
  });
});

describe('sqlArray', () => {
  it('quotes every element so separators and quotes stay data', () => {
    expect(sqlArray([])).toBe('{}');
    expect(sqlArray(['a', 'b,c'])).toBe('{"a","b,c"}');
    expect(sqlArray(['say "hi"', 'back\\slash', '{x}'])).toBe(
      '{"say \\"hi\\"","back\\\\slash","{x}"}',
    );
  });
});
