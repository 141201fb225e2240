import { containsPattern } from '@/modules/directory/like-pattern';

describe('containsPattern', () => {
  it.each([
    ['acme', '%acme%'],
    ['50%', '%50\\%%'],
    ['a_b', '%a\\_b%'],
    ['back\\slash', '%back\\\\slash%'],
    ['%_\\', '%\\%\\_\\\\%'],
  ])('matches %p literally', (text, pattern) => {
    expect(containsPattern(text)).toBe(pattern);
  });
});
