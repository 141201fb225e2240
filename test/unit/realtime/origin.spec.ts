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

describe('isOriginAllowed for the console served by the API itself', () => {
  it.each([
    ['http://127.0.0.1:3000', '127.0.0.1:3000', true],
    ['https://switchboard.example', 'switchboard.example', true],
    ['http://127.0.0.1:3000', '127.0.0.1:3001', false],
    ['https://evil.example', 'switchboard.example', false],
    ['null', 'switchboard.example', false],
  ])('origin %s on host %s → %s', (origin, host, expected) => {
    expect(isOriginAllowed(origin, [], host)).toBe(expected);
  });
});
