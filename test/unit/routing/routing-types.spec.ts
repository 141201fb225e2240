import type { QueueStrategy } from '@/modules/directory/entities/queue.entity';
import type {
  StaffState as StoredState,
  StaffStatus as StoredStatus,
} from '@/modules/staff/entities/staff-presence.entity';
import {
  ROUTING_STRATEGIES,
  RoutingStrategyName,
  StaffState,
  StaffStatus,
} from '@/modules/routing/routing.types';
import { STRATEGIES } from '@/modules/routing/strategies';

/**
 * Routing keeps its own copies of these unions so the pure logic never imports an entity. The
 * assignments below fail `tsc` if the copies drift from what the database stores.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statusesMatch: Same<StaffStatus, StoredStatus> = true;
const statesMatch: Same<StaffState, StoredState> = true;
const strategiesMatch: Same<RoutingStrategyName, QueueStrategy> = true;

describe('routing vocabulary', () => {
  it('matches the stored enums', () => {
    expect([statusesMatch, statesMatch, strategiesMatch]).toEqual([true, true, true]);
  });

  it('has one strategy function per strategy name, and no others', () => {
    expect(Object.keys(STRATEGIES).sort()).toEqual([...ROUTING_STRATEGIES].sort());
    expect(new Set(ROUTING_STRATEGIES).size).toBe(6);
  });
});
