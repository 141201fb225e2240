import { isOriginAllowed } from '@/realtime/socket-io.adapter';

describe('isOriginAllowed', () => {
  const allowed = ['https://console.example.com'];
  it.each([
    [undefined, true],
    ['https://console.example.com', true],
    ['https://console.example.com.evil.org', false],
    ['http://console.example.com', false],
    ['null', false],
  ])('origin %s → %s', (origin, expected) => {
    expect(isOriginAllowed(origin, allowed)).toBe(expected);
  });

  it('allows any origin only when explicitly configured with *', () => {
    expect(isOriginAllowed('https://anything.example', ['*'])).toBe(true);
  });
});
