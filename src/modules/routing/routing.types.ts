/**
 * The vocabulary of routing decisions. Plain data only: the routing service loads these from
 * staff presence, queue membership and the waiting call or request, and the pure functions in
 * this folder decide who is offered the work and why.
 */

export type StaffStatus = 'offline' | 'available' | 'break';
export type StaffState = 'idle' | 'offered' | 'busy' | 'wrap_up';

export const ROUTING_STRATEGIES = [
  'curator-first',
  'longest-idle',
  'least-busy',
  'round-robin',
  'fewest-calls',
  'ring-all',
] as const;
export type RoutingStrategyName = (typeof ROUTING_STRATEGIES)[number];

/** A queue member as routing sees them at the moment of the decision. */
export interface Candidate {
  staffId: string;
  username: string;
  status: StaffStatus;
  state: StaffState;
  /** Membership skill in the queue, 1..10. */
  skillLevel: number;
  /** When the person last became idle; null means never offered work, i.e. idle the longest. */
  idleSince: Date | null;
  openCalls: number;
  openRequests: number;
  callsHandledToday: number;
  lastOfferedAt: Date | null;
  cooldownUntil: Date | null;
}

/** A call or request waiting to be offered. */
export interface WorkItem {
  kind: 'call' | 'request';
  id: string;
  /** Higher is served first. */
  priority: number;
  waitingSince: Date;
  /** The client's responsible manager, if the client has one. */
  curatorId: string | null;
  /** Minimum skill level in the queue; 1 when the item asks for nothing special. */
  requiredSkill: number;
}

/** How many open items of each kind one person may hold. */
export interface Capacity {
  maxCalls: number;
  maxRequests: number;
}

export type IneligibleReason =
  'not_available' | 'not_idle' | 'over_capacity' | 'skill_too_low' | 'cooldown' | 'excluded';

export interface Rejection {
  staffId: string;
  reason: IneligibleReason;
}

export interface StrategyContext {
  now: Date;
  /** The staffId offered last by round-robin in this queue. */
  roundRobinCursor: string | null;
  /** Who was filtered out and why, so a strategy can explain skipping a preferred person. */
  rejected: readonly Rejection[];
}

export interface StrategyResult {
  /** StaffIds in offer order. */
  ordered: string[];
  reason: string;
}

export type StrategyFn = (
  eligible: readonly Candidate[],
  item: WorkItem,
  ctx: StrategyContext,
) => StrategyResult;

/** One routing decision, recorded as is so every offer can be explained afterwards. */
export interface RoutingDecision {
  strategy: RoutingStrategyName;
  /** StaffIds in offer order. */
  ordered: string[];
  /** Offer to everyone in `ordered` at once instead of one after another. */
  ringAll: boolean;
  rejected: Rejection[];
  reason: string;
}
