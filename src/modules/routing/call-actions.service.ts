import { Injectable } from '@nestjs/common';
import { hasAnyRole, Principal } from '@/common/auth/roles';
import { AppError } from '@/common/errors/app-error';
import {
  AssignCallDto,
  CallActionDto,
  CallbackRequestDto,
  TransferCallDto,
} from '@/modules/routing/dto/call-action.dto';
import { PlannerService } from '@/modules/planner/planner.service';
import { CallLedger } from '@/modules/routing/routing.ports';
import { isClosed, RoutingRepository } from '@/modules/routing/routing.repository';
import { ManualOffer, RoutingService } from '@/modules/routing/routing.service';

const FRONT_OFFICE = ['admin', 'supervisor', 'receptionist'] as const;

/**
 * What a receptionist, supervisor or the agent on a call does to it by hand: end, assign,
 * transfer, hold for a callback. This decides who may act and checks the input; the routing
 * service makes the change under the call's row lock, and the call's events tell the rest.
 */
@Injectable()
export class CallActionsService {
  constructor(
    private readonly routing: RoutingService,
    private readonly repo: RoutingRepository,
    private readonly calls: CallLedger,
    private readonly planner: PlannerService,
  ) {}

  /**
   * Goes through the call's event log like a telephony hang-up: the `ended` event makes routing
   * release whoever is on it (wrap-up or idle) and offer them the next waiting call. A call
   * nobody answered yet ends as abandoned. Ending it again is CALL_ALREADY_ENDED.
   */
  async end(who: Principal, callId: string): Promise<CallActionDto> {
    if (!hasAnyRole(who, FRONT_OFFICE) && !(await this.repo.holds(who.id, callId))) {
      // A repeated end from the agent who had the call is answered as such, not as a refusal.
      const handled = await this.repo.loadCall(callId);
      if (handled && isClosed(handled) && (await this.repo.hasHandled(who.id, callId))) {
        throw alreadyEnded(callId, handled.status);
      }
      throw forbidden('end');
    }
    const call = await this.repo.loadCall(callId);
    if (!call) throw new AppError('CALL_NOT_FOUND', `Call ${callId} does not exist`);
    if (isClosed(call)) throw alreadyEnded(callId, call.status);
    // One id per call: of two people ending it at once, one records the end and one is told.
    const recorded = await this.calls.recordRouterEvent(callId, {
      id: `ended:${callId}`,
      type: 'ended',
      at: new Date(),
      agent: null,
      queue: call.queueCode,
    });
    if (!recorded) throw alreadyEnded(callId, 'ended');
    return this.result(callId, null);
  }

  async assign(who: Principal, callId: string, input: AssignCallDto): Promise<CallActionDto> {
    await this.requireStaff(input.userId, 'userId');
    return this.result(callId, await this.routing.assign(callId, input.userId, who.name));
  }

  async transfer(who: Principal, callId: string, input: TransferCallDto): Promise<CallActionDto> {
    const mustHold = await this.requireHolderUnlessFrontOffice(who, callId, 'transfer');
    if ((input.toUserId === undefined) === (input.toQueue === undefined)) {
      throw new AppError('VALIDATION_FAILED', 'Give exactly one of toUserId or toQueue', {
        field: 'toUserId',
      });
    }
    if (input.toUserId !== undefined) await this.requireStaff(input.toUserId, 'toUserId');
    if (input.toQueue !== undefined && !(await this.repo.queueExists(input.toQueue))) {
      throw new AppError('VALIDATION_FAILED', `Queue '${input.toQueue}' does not exist`, {
        field: 'toQueue',
      });
    }
    const target =
      input.toUserId !== undefined
        ? { staffId: input.toUserId }
        : { queueCode: input.toQueue as string };
    const offer = await this.routing.transfer(callId, target, { username: who.name, mustHold });
    return this.result(callId, offer);
  }

  async holdForCallback(
    who: Principal,
    callId: string,
    input: CallbackRequestDto,
  ): Promise<CallActionDto> {
    // The call back is planned from an outbox row written before the hold: it goes to the
    // client's curator, else to whoever held it, even if this process dies right after.
    const planned = await this.planner.beforeHold(callId, who.kind === 'user' ? who.id : null);
    try {
      await this.routing.holdForCallback(callId, input.note ?? null, who.name);
    } finally {
      await this.planner.afterHoldAttempt(planned);
    }
    return this.result(callId, null);
  }

  /**
   * An agent may act only on the call they are on, and is refused the same way whether or not
   * another id exists, so ids cannot be probed. Returns the agent's id, or null for the front
   * office.
   */
  private async requireHolderUnlessFrontOffice(
    who: Principal,
    callId: string,
    action: string,
  ): Promise<string | null> {
    if (hasAnyRole(who, FRONT_OFFICE)) return null;
    if (!(await this.repo.holds(who.id, callId))) throw forbidden(action);
    return who.id;
  }

  private async requireStaff(userId: string, field: string): Promise<void> {
    const user = await this.repo.findUser(userId);
    if (!user) throw new AppError('VALIDATION_FAILED', `User ${userId} does not exist`, { field });
    if (!user.active) {
      throw new AppError('STAFF_NOT_AVAILABLE', `${user.username} is deactivated`, { field });
    }
  }

  private async result(callId: string, offer: ManualOffer | null): Promise<CallActionDto> {
    const call = await this.repo.loadCall(callId);
    if (!call) throw new AppError('CALL_NOT_FOUND', `Call ${callId} does not exist`);
    return CallActionDto.from(call, offer);
  }
}

function forbidden(action: string): AppError {
  return new AppError('FORBIDDEN', `Agents may only ${action} the call they are on`);
}

function alreadyEnded(callId: string, status: string): AppError {
  return new AppError('CALL_ALREADY_ENDED', `Call ${callId} is already ${status}`);
}
