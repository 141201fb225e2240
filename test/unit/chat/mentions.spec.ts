import { parseMentions } from '@/modules/chat/mentions';

describe('parseMentions', () => {
  it.each([
    ['hi @anna', ['anna']],
    ['@Anna and @boris.k, see this', ['anna', 'boris.k']],
    ['ask @anna.', ['anna']],
    ['@anna @anna @ANNA', ['anna']],
    ['(@anna)', ['anna']],
    ['@anna,@boris', ['anna', 'boris']],
    ['mail anna@example.com', []],
    ['@@anna', []],
    ['@ab is too short', []],
    ['no mentions', []],
    ['@u_agent_1f2e', ['u_agent_1f2e']],
  ])('%j → %j', (text, expected) => {
    expect(parseMentions(text)).toEqual(expected);
  });

  it('keeps at most 50 names', () => {
    const text = Array.from({ length: 80 }, (_, i) => `@user${i}`).join(' ');
    expect(parseMentions(text)).toHaveLength(50);
  });
});
