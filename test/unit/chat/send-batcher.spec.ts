import { SendBatcher } from '@/modules/chat/send-batcher';

/** A flush that records its batches and finishes only when the test says so. */
function gatedFlush() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const flush = (items: number[]) => {
    batches.push(items);
    return new Promise<number[]>((resolve) => gates.push(() => resolve(items.map((n) => n * 10))));
  };
  const open = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  return { batches, flush, open };
}

describe('SendBatcher', () => {
  it('sends what arrives in one turn together and answers each item with its own result', async () => {
    const { batches, flush, open } = gatedFlush();
    const batcher = new SendBatcher(flush, 10);
    const results = Promise.all([1, 2, 3].map((n) => batcher.add(n)));
    await open();
    expect(batches).toEqual([[1, 2, 3]]);
    await expect(results).resolves.toEqual([10, 20, 30]);
  });

  it('gathers what arrives during a flush into the next one, in arrival order', async () => {
    const { batches, flush, open } = gatedFlush();
    const batcher = new SendBatcher(flush, 10);
    const first = batcher.add(1);
    while (batches.length === 0) await new Promise((r) => setImmediate(r));
    const later = Promise.all([2, 3, 4].map((n) => batcher.add(n)));
    expect(batches).toHaveLength(1);
    await open();
    await expect(first).resolves.toBe(10);
    await open();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    await expect(later).resolves.toEqual([20, 30, 40]);
  });

  it('never puts more than the maximum in one batch', async () => {
    const { batches, flush, open } = gatedFlush();
    const batcher = new SendBatcher(flush, 2);
    const all = Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    for (let i = 0; i < 3; i++) await open();
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    await expect(all).resolves.toEqual([10, 20, 30, 40, 50]);
  });

  it('rejects every item of a failed batch and carries on with the next', async () => {
    let calls = 0;
    const batcher = new SendBatcher((items: number[]) => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('deadlock')) : Promise.resolve(items);
    }, 10);
    const failed = [1, 2].map((n) => batcher.add(n));
    await expect(failed[0]).rejects.toThrow('deadlock');
    await expect(failed[1]).rejects.toThrow('deadlock');
    await expect(batcher.add(3)).resolves.toBe(3);
  });
});
