import { everyPage, PAGE_SIZE } from '@web/api/paging';
import type { Page } from '@web/api/types';

/**
 * The admin pages list every person, queue and line: an office with more people than one page
 * of the API must still see all of them. The "server" here pages a list as the API does.
 */
describe('everyPage', () => {
  const serve = (list: { id: string }[], asked: number[]) => (limit: number, offset: number) => {
    asked.push(offset);
    const page: Page<{ id: string }> = {
      items: list.slice(offset, offset + limit),
      total: list.length,
      limit,
      offset,
    };
    return Promise.resolve(page);
  };

  it('reads page after page until it has every item, in order', async () => {
    const people = Array.from({ length: 2 * PAGE_SIZE + 51 }, (_, i) => ({ id: `u${i}` }));
    const asked: number[] = [];
    const all = await everyPage(serve(people, asked));
    expect(all.items.map((u) => u.id)).toEqual(people.map((u) => u.id));
    expect(all.total).toBe(people.length);
    expect(asked).toEqual([0, PAGE_SIZE, 2 * PAGE_SIZE]);
  });

  it('asks once for an empty list, and stops if the list shrinks under it', async () => {
    const asked: number[] = [];
    expect((await everyPage(serve([], asked))).items).toEqual([]);
    expect(asked).toEqual([0]);
    const shrinking = (limit: number, offset: number) =>
      Promise.resolve({ items: offset === 0 ? [{ id: 'a' }] : [], total: 5, limit, offset });
    expect((await everyPage(shrinking)).items).toEqual([{ id: 'a' }]);
  });
});
