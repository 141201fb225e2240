import { supervisionEn } from '@web/i18n/supervision.en';
import { supervisionRu } from '@web/i18n/supervision.ru';
import { en } from '@web/i18n/en';

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keys(value as object, `${prefix}${key}.`),
  );
}

describe('wallboard, reports and admin catalogues', () => {
  it('English and Russian have the same keys, every Russian string filled in', () => {
    expect(keys(supervisionRu).sort()).toEqual(keys(supervisionEn).sort());
    const lookup = (tree: object, path: string): string =>
      path
        .split('.')
        .reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], tree) as string;
    for (const key of keys(supervisionEn)) {
      const vars = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect({ key, vars: vars(lookup(supervisionRu, key)) }).toEqual({
        key,
        vars: vars(lookup(supervisionEn, key)),
      });
      expect(lookup(supervisionRu, key).trim()).not.toBe('');
    }
  });

  it('does not shadow a top-level section of the main catalogue', () => {
    for (const section of Object.keys(supervisionEn))
      expect(Object.keys(en)).not.toContain(section);
  });
});
