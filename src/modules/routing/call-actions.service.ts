import { randomUUID } from 'node:crypto';
import { LeanSql } from '@/database/lean-sql';
import { Injectable } from '@nestjs/common';
import { hasAnyRole, Principal } from '@/common/auth/roles';
import { AppError } from '@/common/errors/app-error';
import { StaffStateRepository, Tx } from '@/modules/staff/staff-state.repository';
import { CallLifecycleService } from '@/modules/routing/call-lifecycle.service';
import { CallOffersService, ManualOffer } from '@/modules/routing/call-offers.service';
import { CallRoutingService } from '@/modules/routing/call-routing.service';
import {
  AssignCallDto,
  CallActionDto,
  CallbackRequestDto,
  TransferCallDto,
} from '@/modules/routing/dto/call-action.dto';
import { isUniqueViolation } from '@/modules/routing/offer-claims';
import { LockedCall, OffersRepository } from '@/modules/routing/offers.repository';
import { PlannerService } from '@/modules/planner/planner.service';
import { CallLedger } from '@/modules/routing/routing.ports';
import {
  isClosed,
  isWaiting,
  RoutableCall,
  RoutingRepository,
} from '@/modules/routing/routing.repository';

/** Where a transfer sends the call: to one person, or back into a queue to be routed. */
type TransferTarget = { staffId: string } | { queueCode: string };

const FRONT_OFFICE = ['admin', 'supervisor', 'receptionist'] as const;

/**
 * What a receptionist, supervisor or the agent on a call does to it by hand: end, assign,
 * transfer, hold for a callback. Each decides who may act, checks the input, then makes the
 * change under the call's row lock (claiming a person exactly as routing does: if they cannot be
 * claimed nothing changes), and the call's steps tell the rest.
 */
@Injectable()
export class CallActionsService {
  constructor(
    private readonly sql: LeanSql,
    private readonly repo: RoutingRepository,
    private readonly offers: OffersRepository,
    private readonly staff: StaffStateRepository,
    private readonly callOffers: CallOffersService,
    private readonly routing: CallRoutingService,
    private readonly lifecycle: CallLifecycleService,
    private readonly calls: CallLedger,
    private readonly planner: PlannerService,
  ) {}

  /**
   * Goes through the call's event log like a telephony hang-up: the `ended` event makes routing
   * release whoever is on it (wrap-up or idle) and offer them the next waiting call. A call
   * nobody answered yet ends as abandoned. Ending it again is CALL_ALREADY_ENDED.
   */
  async end(who: Principal, callId: string): Promise<CallActionDto> {
    if (!hasAnyRole(who, FRONT_OFFICE) && !(await this.staff.holds(this.sql, who.id, callId))) {
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
    return this.result(callId, await this.offerChosen(callId, input.userId, who.name));
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
    return this.result(callId, await this.moveCall(callId, target, who.name, mustHold));
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
      await this.leaveForCallback(callId, input.note ?? null, who.name);
    } finally {
      await this.planner.afterHoldAttempt(planned);
    }
    return this.result(callId, null);
  }

  /**
   * Offers a waiting or ringing call to the person of the receptionist's choice, bypassing the
   * queue's strategy: its pending offers are withdrawn and the person claimed in one transaction.
   */
  private async offerChosen(callId: string, staffId: string, by: string): Promise<ManualOffer> {
    const call = await this.loadForAction(callId);
    const offerId = randomUUID();
    const withdrawn = await this.underCallLock(callId, async (tx, locked) => {
      requireWaiting(callId, locked);
      // Accepted a moment ago, its `answered` step not recorded yet: someone is on it already.
      if ((await this.staff.holdersOf(tx, callId)).length > 0) {
        throw new AppError(
          'CALL_NOT_WAITING',
          `Call ${callId} was just accepted: someone is on it; transfer it instead`,
        );
      }
      const cancelled = await this.offers.cancelForCall(tx, callId);
      await this.staff.releaseOffered(
        tx,
        cancelled.map((c) => c.staff_id),
      );
      await this.claimChosen(tx, callId, staffId, offerId);
      return cancelled;
    });
    await this.callOffers.notifyWithdrawn(callId, withdrawn, 'reassigned');
    const offer = await this.callOffers.deliver(call, staffId, offerId);
    await this.recordManual(call, 'manual-assign', staffId, by);
    await this.routing.drainAll(withdrawn.map((w) => w.staff_id).filter((id) => id !== staffId));
    return offer;
  }

  /**
   * The call moves on without ending: whoever is on it is released (wrap-up or idle, as when a
   * call ends), a `transferred` step starts a new leg, and the call is offered to the person
   * named or routed in the queue named (the `call.transferred` reaction routes it). The release
   * and the claim of the person commit together, so a refused claim leaves the holder on it.
   */
  private async moveCall(
    callId: string,
    target: TransferTarget,
    by: string,
    mustHold: string | null,
  ): Promise<ManualOffer | null> {
    const call = await this.loadForAction(callId);
    const offerId = randomUUID();
    const { withdrawn, holders } = await this.underCallLock(callId, async (tx, locked) => {
      if (isClosed(locked)) throw callOver(callId, locked.status);
      if (mustHold !== null && !(await this.staff.holds(tx, mustHold, callId))) {
        throw new AppError('FORBIDDEN', 'Agents may only transfer the call they are on');
      }
      const cancelled = await this.offers.cancelForCall(tx, callId);
      await this.staff.releaseOffered(
        tx,
        cancelled.map((c) => c.staff_id),
      );
      const released = await this.staff.releaseHolders(tx, callId, call.wrapUpSeconds);
      if ('staffId' in target) {
        if (released.some((r) => r.userId === target.staffId)) {
          throw new AppError('VALIDATION_FAILED', 'The call is already with this person', {
            field: 'toUserId',
          });
        }
        await this.claimChosen(tx, callId, target.staffId, offerId);
      }
      return { withdrawn: cancelled, holders: released };
    });
    await this.callOffers.notifyWithdrawn(callId, withdrawn, 'transferred');
    const from = holders[0];
    await this.calls.recordRouterEvent(callId, {
      id: `transfer:${offerId}`,
      type: 'transferred',
      at: new Date(),
      agent: from === undefined ? null : { id: from.userId, username: from.username },
      queue: 'queueCode' in target ? target.queueCode : call.queueCode,
    });
    let offer: ManualOffer | null = null;
    if ('staffId' in target) {
      offer = await this.callOffers.deliver(call, target.staffId, offerId);
      await this.recordManual(call, 'manual-transfer', target.staffId, by);
    }
    const released = holders.map((h) => h.userId);
    await this.lifecycle.afterRelease(callId, call.transfers, call.wrapUpSeconds, released);
    await this.routing.drainAll(withdrawn.map((w) => w.staff_id));
    return offer;
  }

  /**
   * A waiting caller would rather be called back: the call leaves the queue as `missed`, as at
   * the queue's limit, so it joins the unfinished calls and its curator (or the supervisors) is
   * told. Only for callers nobody has talked to yet: an answered call never counts as missed.
   * The call back itself is planned from the outbox row `PlannerService.beforeHold` wrote.
   */
  async leaveForCallback(callId: string, note: string | null, by: string): Promise<void> {
    const call = await this.loadForAction(callId);
    const withdrawn = await this.underCallLock(callId, async (tx, locked) => {
      requireWaiting(callId, locked);
      if (locked.outcome !== 'in_progress') {
        throw new AppError(
          'CALL_NOT_WAITING',
          `Call ${callId} was answered before it was transferred; it cannot become a missed call`,
        );
      }
      const cancelled = await this.offers.cancelForCall(tx, callId);
      await this.staff.releaseOffered(
        tx,
        cancelled.map((c) => c.staff_id),
      );
      return cancelled;
    });
    await this.callOffers.notifyWithdrawn(callId, withdrawn, 'callback');
    const recorded = await this.calls.recordRouterEvent(callId, {
      id: `callback:${callId}`,
      type: 'missed',
      at: new Date(),
      agent: null,
      queue: call.queueCode,
      note: note === null ? undefined : `Callback requested (${by}): ${note}`,
    });
    await this.routing.drainAll(withdrawn.map((w) => w.staff_id));
    if (!recorded) throw callOver(callId, 'missed');
  }

  /** The atomic claim for a person chosen by hand; a refusal rolls the whole action back. */
  private async claimChosen(tx: Tx, callId: string, staffId: string, offerId: string) {
    if (await this.staff.claimForCall(tx, staffId)) {
      await this.offers.insertCallOffer(tx, offerId, callId, staffId);
      return;
    }
    const who = await this.staff.standing(tx, staffId);
    const why = who.cooling ? `, cooling down after a declined offer` : '';
    throw new AppError(
      'STAFF_NOT_AVAILABLE',
      `${who.username ?? staffId} is ${who.status} and ${who.state}${why}; only someone available and idle can be offered a call`,
      { details: { status: who.status, state: who.state } },
    );
  }

  /** The call row is locked for `work`, which commits or rolls back whole. */
  private async underCallLock<T>(
    callId: string,
    work: (tx: Tx, locked: LockedCall) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.sql.transaction(async (tx) => {
        const locked = await this.offers.lockCall(tx, callId);
        if (!locked) throw new AppError('CALL_NOT_FOUND', `Call ${callId} does not exist`);
        return work(tx, locked);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'offers_one_pending_call_per_staff')) {
        throw new AppError('STAFF_NOT_AVAILABLE', 'That person is being offered another call');
      }
      throw err;
    }
  }

  private async loadForAction(callId: string): Promise<RoutableCall> {
    const call = await this.repo.loadCall(callId);
    if (!call) throw new AppError('CALL_NOT_FOUND', `Call ${callId} does not exist`);
    return call;
  }

  /** A decision made by hand: no candidates were weighed, a person was named. */
  private async recordManual(
    call: RoutableCall,
    trigger: string,
    staffId: string,
    by: string,
  ): Promise<void> {
    const decision = {
      strategy: 'manual',
      ordered: [staffId],
      rejected: [],
      reason: `manual assignment by ${by}`,
    };
    await this.repo.recordDecision('call', call.id, decision, trigger, [staffId]);
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
    if (!(await this.staff.holds(this.sql, who.id, callId))) throw forbidden(action);
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

function callOver(callId: string, status: string): AppError {
  return alreadyEnded(callId, status);
}

function requireWaiting(callId: string, locked: LockedCall): void {
  if (isClosed(locked)) throw callOver(callId, locked.status);
  if (!isWaiting(locked)) {
    throw new AppError(
      'CALL_NOT_WAITING',
      `Call ${callId} is ${locked.status}: someone is on it; transfer it instead`,
    );
  }
}
