import { Injectable, Logger } from '@nestjs/common';
import { RequestRoutingService } from '@/modules/routing/request-routing.service';
import { WaitingWorkRepository } from '@/modules/routing/waiting-work.repository';
import { CallRoutingService } from '@/modules/routing/call-routing.service';

/** How long a new call or request is left to the live reaction before the sweep steps in. */
export const RECOVERY_GRACE_SECONDS = 10;
const RECOVERY_BATCH = 200;

/**
 * The safety net under event-driven routing. Routing reacts in memory to events committed by
 * the same process; a process killed between the commit and the reaction leaves a call or a
 * request that nothing will route until someone of its queue becomes free. A periodic sweep in
 * the worker finds items that were never routed since they asked to be, and routes them; the
 * routing itself is the same, with `recovery` as the recorded trigger.
 */
@Injectable()
export class RoutingRecoveryService {
  private readonly logger = new Logger('RoutingRecovery');

  constructor(
    private readonly repo: WaitingWorkRepository,
    private readonly routing: CallRoutingService,
    private readonly requests: RequestRoutingService,
  ) {}

  async sweep(): Promise<{ calls: number; requests: number }> {
    const [calls, requests] = await Promise.all([
      this.repo.strandedCalls(RECOVERY_GRACE_SECONDS, RECOVERY_BATCH),
      this.repo.strandedRequests(RECOVERY_GRACE_SECONDS, RECOVERY_BATCH),
    ]);
    for (const callId of calls) await this.routing.routeCall(callId, 'recovery');
    for (const requestId of requests) await this.requests.routeRequest(requestId, 'recovery');
    if (calls.length + requests.length > 0) {
      this.logger.warn(
        { calls: calls.length, requests: requests.length },
        'routed work whose live routing was lost',
      );
    }
    return { calls: calls.length, requests: requests.length };
  }
}
