import { checkEligibility, partitionEligible } from '@/modules/routing/eligibility';
import { Candidate, IneligibleReason, WorkItem } from '@/modules/routing/routing.types';
import { CAPACITY, NOW, ago, candidate, workItem } from '@test/unit/routing/routing-fixtures';

const NOBODY: ReadonlySet<string> = new Set();
const inFuture = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);

describe('checkEligibility', () => {
  it('accepts an available, idle person with room, skill and no cool-down', () => {
    expect(checkEligibility(candidate('u1'), workItem(), CAPACITY, NOW, NOBODY)).toBeNull();
  });

  // Each row breaks exactly one rule of an otherwise eligible person.
  it.each<[string, Partial<Candidate>, Partial<WorkItem>, IneligibleReason | null]>([
    ['status offline', { status: 'offline' }, {}, 'not_available'],
    ['status break', { status: 'break' }, {}, 'not_available'],
    ['state offered', { state: 'offered' }, {}, 'not_idle'],
    ['state busy', { state: 'busy' }, {}, 'not_idle'],
    ['state wrap_up', { state: 'wrap_up' }, {}, 'not_idle'],
    ['state busy, request offered', { state: 'busy' }, { kind: 'request' }, 'not_idle'],
    ['a call open at maxCalls 1', { openCalls: 1 }, { kind: 'call' }, 'over_capacity'],
    ['more calls open than allowed', { openCalls: 2 }, { kind: 'call' }, 'over_capacity'],
    ['requests at max, call offered', { openRequests: 3 }, { kind: 'call' }, null],
    ['requests at max, request offered', { openRequests: 3 }, { kind: 'request' }, 'over_capacity'],
    ['requests below max', { openRequests: 2 }, { kind: 'request' }, null],
    ['a call open, request offered', { openCalls: 1 }, { kind: 'request' }, null],
    ['skill below required', { skillLevel: 4 }, { requiredSkill: 5 }, 'skill_too_low'],
    ['skill equal to required', { skillLevel: 5 }, { requiredSkill: 5 }, null],
    ['skill above required', { skillLevel: 10 }, { requiredSkill: 5 }, null],
    ['cool-down running', { cooldownUntil: inFuture(1) }, {}, 'cooldown'],
    ['cool-down ending right now', { cooldownUntil: NOW }, {}, null],
    ['cool-down over', { cooldownUntil: ago(1) }, {}, null],
  ])('%s → %p', (_label, person, item, expected) => {
    expect(checkEligibility(candidate('u1', person), workItem(item), CAPACITY, NOW, NOBODY)).toBe(
      expected,
    );
  });

  it('rejects someone who already declined or let this item time out', () => {
    expect(checkEligibility(candidate('u1'), workItem(), CAPACITY, NOW, new Set(['u1']))).toBe(
      'excluded',
    );
    expect(checkEligibility(candidate('u2'), workItem(), CAPACITY, NOW, new Set(['u1']))).toBe(
      null,
    );
  });

  it('respects a capacity of more than one call', () => {
    const twoCalls = { ...CAPACITY, maxCalls: 2 };
    expect(
      checkEligibility(candidate('u1', { openCalls: 1 }), workItem(), twoCalls, NOW, NOBODY),
    ).toBeNull();
  });

  it('treats a zero capacity as never eligible for that kind', () => {
    const noRequests = { ...CAPACITY, maxRequests: 0 };
    expect(
      checkEligibility(candidate('u1'), workItem({ kind: 'request' }), noRequests, NOW, NOBODY),
    ).toBe('over_capacity');
  });

  it('reports the most fundamental obstacle when several rules fail', () => {
    const everythingWrong = candidate('u1', {
      status: 'break',
      state: 'busy',
      openCalls: 1,
      skillLevel: 1,
      cooldownUntil: inFuture(60),
    });
    const item = workItem({ requiredSkill: 5 });
    const excluded = new Set(['u1']);
    expect(checkEligibility(everythingWrong, item, CAPACITY, NOW, excluded)).toBe('not_available');
    const steps: [Partial<Candidate>, IneligibleReason][] = [
      [{ status: 'available' }, 'not_idle'],
      [{ state: 'idle' }, 'over_capacity'],
      [{ openCalls: 0 }, 'skill_too_low'],
      [{ skillLevel: 5 }, 'cooldown'],
      [{ cooldownUntil: null }, 'excluded'],
    ];
    let person = everythingWrong;
    for (const [fix, next] of steps) {
      person = { ...person, ...fix };
      expect(checkEligibility(person, item, CAPACITY, NOW, excluded)).toBe(next);
    }
  });
});

describe('partitionEligible', () => {
  it('splits candidates and gives each rejected one its reason, keeping input order', () => {
    const candidates = [
      candidate('u3'),
      candidate('u1', { status: 'break' }),
      candidate('u4', { skillLevel: 1 }),
      candidate('u2'),
      candidate('u5'),
    ];
    const { eligible, rejected } = partitionEligible(
      candidates,
      workItem({ requiredSkill: 3 }),
      CAPACITY,
      NOW,
      new Set(['u5']),
    );
    expect(eligible.map((c) => c.staffId)).toEqual(['u3', 'u2']);
    expect(rejected).toEqual([
      { staffId: 'u1', reason: 'not_available' },
      { staffId: 'u4', reason: 'skill_too_low' },
      { staffId: 'u5', reason: 'excluded' },
    ]);
  });

  it('handles an empty queue', () => {
    expect(partitionEligible([], workItem(), CAPACITY, NOW, NOBODY)).toEqual({
      eligible: [],
      rejected: [],
    });
  });
});
