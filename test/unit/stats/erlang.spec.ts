import {
  MAX_SERVERS,
  agentsNeeded,
  erlangB,
  erlangC,
  erlangCAsa,
  erlangCServiceLevel,
  linesNeeded,
  occupancy,
} from '@/modules/stats/erlang/erlang';

/**
 * Reference values come from the textbook closed forms evaluated exactly with BigInt rationals,
 * so they share no arithmetic with the recursion under test. Traffic A is written as p / q.
 *
 * With T_k = p^k · q^(N−k) · N!/k! (an integer), A^k/k! = T_k / (N! · q^N), hence
 *   B(A, N) = T_N / Σ_{k=0..N} T_k
 *   C(A, N) = T_N·N·q / (Σ_{k<N} T_k·(N·q − p) + T_N·N·q)      (N > A)
 */
function exactTerms(p: bigint, q: bigint, n: number): bigint[] {
  const terms = new Array<bigint>(n + 1);
  let fallingFactorial = 1n;
  for (let k = n; k >= 0; k--) {
    terms[k] = p ** BigInt(k) * q ** BigInt(n - k) * fallingFactorial;
    fallingFactorial *= BigInt(k);
  }
  return terms;
}

function ratio(numerator: bigint, denominator: bigint): number {
  const shift = denominator.toString().length - numerator.toString().length + 25;
  const scaled =
    shift >= 0
      ? (numerator * 10n ** BigInt(shift)) / denominator
      : numerator / (denominator * 10n ** BigInt(-shift));
  return Number(`${scaled}e${-shift}`);
}

function exactErlangB(p: bigint, q: bigint, n: number): number {
  const terms = exactTerms(p, q, n);
  return ratio(
    terms[n],
    terms.reduce((sum, term) => sum + term, 0n),
  );
}

function exactErlangC(p: bigint, q: bigint, n: number): number {
  const nq = BigInt(n) * q;
  if (nq <= p) throw new Error('exact Erlang C needs N > A');
  const terms = exactTerms(p, q, n);
  const waiting = terms[n] * nq;
  const notWaiting = terms.slice(0, n).reduce((sum, term) => sum + term, 0n) * (nq - p);
  return ratio(waiting, notWaiting + waiting);
}

function expectRelativelyClose(actual: number, expected: number, tolerance = 1e-9): void {
  expect(Number.isFinite(actual)).toBe(true);
  if (expected === 0) {
    expect(actual).toBe(0);
    return;
  }
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tolerance);
}

const trafficGrid: Array<[bigint, bigint]> = [
  [1n, 2n],
  [1n, 1n],
  [5n, 2n],
  [7n, 1n],
  [10n, 1n],
  [253n, 10n],
  [50n, 1n],
  [100n, 1n],
];
const lineGrid = [1, 2, 3, 5, 10, 20, 40, 80, 120];

describe('erlangB', () => {
  it('matches published table values', () => {
    expect(erlangB(1, 1)).toBe(0.5);
    expect(erlangB(2, 3)).toBeCloseTo(4 / 19, 15);
    expect(erlangB(10, 10)).toBeCloseTo(0.214582, 6);
    expectRelativelyClose(erlangB(10, 10), exactErlangB(10n, 1n, 10));
  });

  it('agrees with the exact closed form across a grid of traffic and lines', () => {
    for (const [p, q] of trafficGrid) {
      for (const n of lineGrid) {
        expectRelativelyClose(erlangB(Number(p) / Number(q), n), exactErlangB(p, q, n));
      }
    }
  });

  it('blocks everything with zero lines and nothing with zero traffic', () => {
    expect(erlangB(0, 0)).toBe(1);
    expect(erlangB(37.5, 0)).toBe(1);
    expect(erlangB(0, 1)).toBe(0);
    expect(erlangB(0, 50)).toBe(0);
  });

  it('decreases strictly as lines are added', () => {
    let previous = erlangB(12.5, 0);
    for (let n = 1; n <= 40; n++) {
      const current = erlangB(12.5, n);
      expect(current).toBeLessThan(previous);
      previous = current;
    }
  });

  it('stays accurate for large traffic without overflow', () => {
    for (const n of [450, 500, 520, 560]) {
      expectRelativelyClose(erlangB(500, n), exactErlangB(500n, 1n, n));
    }
    const huge = erlangB(20_000, 20_000);
    expect(huge).toBeGreaterThan(0);
    expect(huge).toBeLessThan(1);
  });

  it('underflows to zero rather than to NaN when blocking is negligible', () => {
    expect(erlangB(1, 1000)).toBe(0);
  });

  it.each([
    [-0.1, 1],
    [NaN, 1],
    [Infinity, 1],
    [-Infinity, 1],
    [1, -1],
    [1, 1.5],
    [1, NaN],
    [1, Infinity],
    [1, MAX_SERVERS + 1],
  ])('rejects traffic %p with lines %p', (traffic, lines) => {
    expect(() => erlangB(traffic, lines)).toThrow(RangeError);
  });

  it('names the offending argument', () => {
    expect(() => erlangB(-1, 1)).toThrow(/traffic/);
    expect(() => erlangB(1, 2.5)).toThrow(/lines/);
  });
});

describe('linesNeeded', () => {
  // Erlang B table at 1 % blocking: the most traffic N lines carry (rounded to 4 decimals).
  it.each([
    [1, 0.0101],
    [2, 0.1526],
    [3, 0.4555],
    [5, 1.3608],
    [10, 4.4612],
    [18, 10.4369],
    [20, 12.0306],
    [50, 37.9014],
    [100, 84.0642],
  ])('%p lines carry about %p E at 1 %% blocking', (lines, capacity) => {
    expect(linesNeeded(capacity * 0.999)).toBe(lines);
    expect(linesNeeded(capacity * 1.001)).toBe(lines + 1);
  });

  it('needs 18 lines for 10 E at the default 1 % target', () => {
    expect(linesNeeded(10)).toBe(18);
    expect(erlangB(10, 18)).toBeLessThanOrEqual(0.01);
    expect(erlangB(10, 17)).toBeGreaterThan(0.01);
  });

  it('returns the smallest N that meets the target', () => {
    for (const target of [0.001, 0.01, 0.05, 0.2, 0.5]) {
      for (const traffic of [0.05, 0.7, 1, 3.3, 10, 42, 99.9, 500]) {
        const n = linesNeeded(traffic, target);
        expect(erlangB(traffic, n)).toBeLessThanOrEqual(target);
        expect(erlangB(traffic, n - 1)).toBeGreaterThan(target);
      }
    }
  });

  it('meets a target that equals B(A, N) exactly', () => {
    expect(linesNeeded(1, 0.5)).toBe(1);
  });

  it('applies the definition literally for zero traffic: B(0, 0) = 1, so one line', () => {
    expect(linesNeeded(0)).toBe(1);
  });

  it.each([0, 1, -0.01, 1.01, NaN])('rejects target %p', (target) => {
    expect(() => linesNeeded(10, target)).toThrow(RangeError);
  });

  it.each([-1, NaN, Infinity])('rejects traffic %p', (traffic) => {
    expect(() => linesNeeded(traffic)).toThrow(RangeError);
  });

  it('gives up with a RangeError instead of looping past the cap', () => {
    expect(() => linesNeeded(2 * MAX_SERVERS)).toThrow(RangeError);
  });
});

describe('erlangC', () => {
  it('matches the published table value for A = 10 E, N = 11', () => {
    expect(erlangC(10, 11)).toBeCloseTo(0.682118, 6);
    expectRelativelyClose(erlangC(10, 11), 0.682118, 1e-6);
    expectRelativelyClose(erlangC(10, 11), exactErlangC(10n, 1n, 11));
  });

  it('agrees with the exact closed form across a grid of traffic and agents', () => {
    for (const [p, q] of trafficGrid) {
      const traffic = Number(p) / Number(q);
      for (const n of lineGrid.filter((agents) => agents > traffic)) {
        expectRelativelyClose(erlangC(traffic, n), exactErlangC(p, q, n));
      }
    }
  });

  it('stays accurate for large traffic without overflow', () => {
    for (const n of [501, 510, 530, 560]) {
      expectRelativelyClose(erlangC(500, n), exactErlangC(500n, 1n, n));
    }
  });

  it.each([
    [10, 10],
    [10, 5],
    [10, 0],
    [2.5, 2],
    [0, 0],
  ])('is 1 when agents cannot keep up (A = %p, N = %p)', (traffic, agents) => {
    expect(erlangC(traffic, agents)).toBe(1);
  });

  it('is 0 with no traffic and at least one agent', () => {
    expect(erlangC(0, 1)).toBe(0);
  });

  it('is never below Erlang B for the same A and N', () => {
    for (const n of [6, 8, 12, 20]) expect(erlangC(5, n)).toBeGreaterThanOrEqual(erlangB(5, n));
  });

  it('validates its arguments', () => {
    expect(() => erlangC(-1, 3)).toThrow(RangeError);
    expect(() => erlangC(1, 3.2)).toThrow(RangeError);
    expect(() => erlangC(1, -3)).toThrow(RangeError);
  });
});

describe('erlangCAsa', () => {
  it('is C·AHT/(N−A)', () => {
    const c = exactErlangC(10n, 1n, 11);
    expectRelativelyClose(erlangCAsa(10, 11, 180), (c * 180) / 1);
    expectRelativelyClose(erlangCAsa(10, 14, 180), (exactErlangC(10n, 1n, 14) * 180) / 4);
  });

  it('is Infinity when agents do not exceed traffic', () => {
    expect(erlangCAsa(10, 10, 180)).toBe(Infinity);
    expect(erlangCAsa(10, 3, 180)).toBe(Infinity);
  });

  it('is 0 with no traffic', () => {
    expect(erlangCAsa(0, 2, 180)).toBe(0);
  });

  it.each([0, -5, NaN, Infinity])('rejects AHT %p', (aht) => {
    expect(() => erlangCAsa(10, 11, aht)).toThrow(RangeError);
  });
});

describe('erlangCServiceLevel', () => {
  it('is 1 − C·e^(−(N−A)·T/AHT)', () => {
    const c = exactErlangC(10n, 1n, 11);
    expectRelativelyClose(erlangCServiceLevel(10, 11, 180, 20), 1 - c * Math.exp(-20 / 180));
    const c14 = exactErlangC(10n, 1n, 14);
    expectRelativelyClose(
      erlangCServiceLevel(10, 14, 180, 20),
      1 - c14 * Math.exp((-4 * 20) / 180),
    );
  });

  it('is 1 − C with a zero threshold', () => {
    expectRelativelyClose(erlangCServiceLevel(10, 11, 180, 0), 1 - erlangC(10, 11));
  });

  it('is 0 when agents do not exceed traffic', () => {
    expect(erlangCServiceLevel(10, 10, 180, 20)).toBe(0);
    expect(erlangCServiceLevel(10, 2, 180, 20)).toBe(0);
  });

  it('rises with agents and with the threshold', () => {
    expect(erlangCServiceLevel(10, 12, 180, 20)).toBeGreaterThan(
      erlangCServiceLevel(10, 11, 180, 20),
    );
    expect(erlangCServiceLevel(10, 12, 180, 30)).toBeGreaterThan(
      erlangCServiceLevel(10, 12, 180, 20),
    );
  });

  it('validates AHT and threshold', () => {
    expect(() => erlangCServiceLevel(10, 11, 0, 20)).toThrow(RangeError);
    expect(() => erlangCServiceLevel(10, 11, 180, -1)).toThrow(RangeError);
    expect(() => erlangCServiceLevel(10, 11, 180, NaN)).toThrow(RangeError);
  });
});

describe('occupancy', () => {
  it('is A/N, also above 1 when overloaded', () => {
    expect(occupancy(10, 11)).toBeCloseTo(10 / 11, 15);
    expect(occupancy(0, 4)).toBe(0);
    expect(occupancy(12, 10)).toBeCloseTo(1.2, 15);
  });

  it('rejects zero or invalid agents and invalid traffic', () => {
    expect(() => occupancy(1, 0)).toThrow(RangeError);
    expect(() => occupancy(1, 2.5)).toThrow(RangeError);
    expect(() => occupancy(-1, 2)).toThrow(RangeError);
  });
});

describe('agentsNeeded', () => {
  function meets(
    traffic: number,
    agents: number,
    aht: number,
    threshold: number,
    target: number,
    maxOccupancy: number,
  ): boolean {
    if (agents === 0) return false;
    return (
      erlangCServiceLevel(traffic, agents, aht, threshold) >= target &&
      traffic / agents <= maxOccupancy
    );
  }

  it('staffs 10 E at AHT 180 s for 80 % in 20 s with consistent figures', () => {
    const result = agentsNeeded({ traffic: 10, ahtSeconds: 180 });
    expect(result.agents).toBe(14);
    expect(meets(10, 14, 180, 20, 0.8, 1)).toBe(true);
    expect(meets(10, 13, 180, 20, 0.8, 1)).toBe(false);
    expectRelativelyClose(result.pWait, exactErlangC(10n, 1n, 14));
    expectRelativelyClose(result.serviceLevel, erlangCServiceLevel(10, 14, 180, 20));
    expectRelativelyClose(result.asa, erlangCAsa(10, 14, 180));
    expect(result.occupancy).toBeCloseTo(10 / 14, 15);
  });

  it('returns the smallest N meeting service level and occupancy', () => {
    const cases: Array<[number, number, number, number, number]> = [];
    for (const traffic of [0.2, 1, 2.5, 10, 37.3, 100]) {
      for (const [threshold, target] of [
        [20, 0.8],
        [0, 0.5],
        [60, 0.95],
        [10, 0.99],
      ]) {
        for (const maxOccupancy of [1, 0.9, 0.75]) {
          cases.push([traffic, 240, threshold, target, maxOccupancy]);
        }
      }
    }
    for (const [traffic, aht, threshold, target, maxOccupancy] of cases) {
      const { agents } = agentsNeeded({
        traffic,
        ahtSeconds: aht,
        thresholdSeconds: threshold,
        targetServiceLevel: target,
        maxOccupancy,
      });
      expect(meets(traffic, agents, aht, threshold, target, maxOccupancy)).toBe(true);
      expect(meets(traffic, agents - 1, aht, threshold, target, maxOccupancy)).toBe(false);
    }
  });

  it('lets the occupancy cap decide when it binds', () => {
    const unconstrained = agentsNeeded({ traffic: 100, ahtSeconds: 180 });
    const capped = agentsNeeded({ traffic: 100, ahtSeconds: 180, maxOccupancy: 0.8 });
    expect(unconstrained.agents).toBeLessThan(125);
    expect(capped.agents).toBe(125);
    expect(capped.occupancy).toBe(0.8);
  });

  it('needs one agent for zero traffic', () => {
    expect(agentsNeeded({ traffic: 0, ahtSeconds: 60 })).toEqual({
      agents: 1,
      pWait: 0,
      serviceLevel: 1,
      asa: 0,
      occupancy: 0,
    });
  });

  it('handles large traffic without overflow', () => {
    const result = agentsNeeded({ traffic: 500, ahtSeconds: 300 });
    expect(meets(500, result.agents, 300, 20, 0.8, 1)).toBe(true);
    expect(meets(500, result.agents - 1, 300, 20, 0.8, 1)).toBe(false);
    expectRelativelyClose(result.pWait, exactErlangC(500n, 1n, result.agents));
    expect(result.agents).toBeGreaterThan(500);
    expect(result.agents).toBeLessThan(550);
  });

  it.each([
    [{ traffic: -1, ahtSeconds: 180 }],
    [{ traffic: NaN, ahtSeconds: 180 }],
    [{ traffic: Infinity, ahtSeconds: 180 }],
    [{ traffic: 10, ahtSeconds: 0 }],
    [{ traffic: 10, ahtSeconds: -180 }],
    [{ traffic: 10, ahtSeconds: 180, thresholdSeconds: -1 }],
    [{ traffic: 10, ahtSeconds: 180, targetServiceLevel: 0 }],
    [{ traffic: 10, ahtSeconds: 180, targetServiceLevel: 1 }],
    [{ traffic: 10, ahtSeconds: 180, targetServiceLevel: 1.2 }],
    [{ traffic: 10, ahtSeconds: 180, maxOccupancy: 0 }],
    [{ traffic: 10, ahtSeconds: 180, maxOccupancy: 1.1 }],
    [{ traffic: 10, ahtSeconds: 180, maxOccupancy: NaN }],
  ])('rejects %p', (input) => {
    expect(() => agentsNeeded(input)).toThrow(RangeError);
  });

  it('gives up with a RangeError instead of looping past the cap', () => {
    expect(() => agentsNeeded({ traffic: MAX_SERVERS, ahtSeconds: 180 })).toThrow(RangeError);
    expect(() =>
      agentsNeeded({ traffic: MAX_SERVERS / 2, ahtSeconds: 180, maxOccupancy: 0.1 }),
    ).toThrow(RangeError);
  });
});
