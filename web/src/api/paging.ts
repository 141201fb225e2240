import type { Page } from '@web/api/types';

/** The API's largest page (MAX_PAGE_SIZE on the server). */
export const PAGE_SIZE = 200;

/** Reads page after page until it holds every item the first pages counted, in order. */
export async function everyPage<T>(
  fetchPage: (limit: number, offset: number) => Promise<Page<T>>,
): Promise<Page<T>> {
  const items: T[] = [];
  for (;;) {
    const page = await fetchPage(PAGE_SIZE, items.length);
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) {
      return { items, total: page.total, limit: items.length, offset: 0 };
    }
  }
}
