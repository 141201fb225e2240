import { staffOccupancy } from '@/modules/stats/kpi/occupancy';

describe('staffOccupancy', () => {
  it('is talk plus wrap-up over the seconds available', () => {
    expect(staffOccupancy({ talkSeconds: 1500, wrapUpSeconds: 300, availableSeconds: 3600 })).toBe(
      0.5,
    );
    expect(staffOccupancy({ talkSeconds: 0, wrapUpSeconds: 0, availableSeconds: 900 })).toBe(0);
  });

  it('can pass 1 when calls that arrived in the interval ran on after it', () => {
    expect(staffOccupancy({ talkSeconds: 1200, wrapUpSeconds: 60, availableSeconds: 900 })).toBe(
      1.4,
    );
  });

  it('is null for someone never available in the interval', () => {
    expect(staffOccupancy({ talkSeconds: 0, wrapUpSeconds: 0, availableSeconds: 0 })).toBeNull();
    expect(staffOccupancy({ talkSeconds: 30, wrapUpSeconds: 5, availableSeconds: 0 })).toBeNull();
  });

  it('refuses negative or non-finite figures', () => {
    expect(() =>
      staffOccupancy({ talkSeconds: -1, wrapUpSeconds: 0, availableSeconds: 10 }),
    ).toThrow(RangeError);
    expect(() =>
      staffOccupancy({ talkSeconds: 1, wrapUpSeconds: NaN, availableSeconds: 10 }),
    ).toThrow(/wrapUpSeconds/);
  });
});
