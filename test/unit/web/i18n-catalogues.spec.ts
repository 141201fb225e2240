import { NOTIFICATION_KINDS as SERVER_KINDS } from '@/modules/notifications/notifications.events';
import { NOTIFICATION_KINDS } from '@web/api/types';
import { en } from '@web/i18n/en';
import { ru } from '@web/i18n/ru';

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keys(value as object, `${prefix}${key}.`),
  );
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
}

describe('web console catalogues', () => {
  it('English and Russian have the same keys', () => {
    expect(keys(ru).sort()).toEqual(keys(en).sort());
  });

  it('every Russian string is filled in and keeps the English placeholders', () => {
    const lookup = (tree: object, path: string): string =>
      path
        .split('.')
        .reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], tree) as string;
    for (const key of keys(en)) {
      expect({ key, text: lookup(ru, key).trim().length > 0 }).toEqual({ key, text: true });
      expect({ key, vars: placeholders(lookup(ru, key)) }).toEqual({
        key,
        vars: placeholders(lookup(en, key)),
      });
    }
  });

  it('the console knows every notification kind the server sends, and names each', () => {
    expect([...NOTIFICATION_KINDS].sort()).toEqual([...SERVER_KINDS].sort());
    for (const kind of SERVER_KINDS) {
      expect({ kind, en: kind in en.notifications.kind }).toEqual({ kind, en: true });
    }
  });
});
