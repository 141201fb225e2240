import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { hasAnyRole, Principal } from '@/common/auth/roles';
import { AppError } from '@/common/errors/app-error';
import { Client } from '@/modules/directory/entities/client.entity';
import {
  ChainItemDto,
  ChainLinkDto,
  ClientChainDto,
} from '@/modules/planner/dto/planned-contact.dto';
import { PlannerRepository } from '@/modules/planner/planner.repository';
import { PLANNER_CONSOLE_ROLES } from '@/modules/planner/planner.service';

const ORDER = { call: 0, request: 1, planned: 2 } as const;

/**
 * A client's history as one chain: calls, requests and planned contacts, each with what it
 * follows from (a request from its call, a plan from its call, request or plan, a call from the
 * plan it did) and what follows from it, oldest first. Agents see their own plans only.
 */
@Injectable()
export class ClientChainService {
  constructor(
    private readonly em: EntityManager,
    private readonly repo: PlannerRepository,
  ) {}

  async chain(who: Principal, clientId: string): Promise<ClientChainDto> {
    if (!(await this.em.findOne(Client, clientId, { fields: ['id'] }))) {
      throw AppError.notFound('Client', clientId);
    }
    const own = hasAnyRole(who, PLANNER_CONSOLE_ROLES) ? null : who.id;
    const [calls, requests, plans] = await Promise.all([
      this.repo.clientCalls(clientId),
      this.repo.clientRequests(clientId),
      this.repo.clientPlans(clientId, own),
    ]);
    const doneBy = new Map<string, string>();
    for (const plan of plans) if (plan.resultCall) doneBy.set(plan.resultCall.id, plan.id);

    const items: ChainItemDto[] = [
      ...calls.map((call): ChainItemDto => ({
        type: 'call',
        id: call.id,
        at: new Date(call.arrived_at).toISOString(),
        status: call.called_back_at ? `${call.status} (called back)` : call.status,
        title: `Call from ${call.from_number ?? 'an unknown number'}`,
        personId: call.answered_by_id,
        follows: doneBy.has(call.id) ? { type: 'planned', id: doneBy.get(call.id)! } : null,
        followedBy: [],
      })),
      ...requests.map((request): ChainItemDto => ({
        type: 'request',
        id: request.id,
        at: new Date(request.created_at).toISOString(),
        status: request.status,
        title: `#${request.number} ${request.subject}`,
        personId: request.current_assignee_id,
        follows: request.call_id ? { type: 'call', id: request.call_id } : null,
        followedBy: [],
      })),
      ...plans.map((plan): ChainItemDto => ({
        type: 'planned',
        id: plan.id,
        at: plan.startsAt.toISOString(),
        status: plan.status,
        title: plan.subject,
        personId: plan.assignee.id,
        follows: plan.followsPlanned
          ? { type: 'planned', id: plan.followsPlanned.id }
          : plan.followsRequest
            ? { type: 'request', id: plan.followsRequest.id }
            : plan.followsCall
              ? { type: 'call', id: plan.followsCall.id }
              : null,
        followedBy: [],
      })),
    ];
    const byKey = new Map(items.map((item) => [`${item.type}:${item.id}`, item]));
    for (const item of items) {
      if (!item.follows) continue;
      const parent = byKey.get(`${item.follows.type}:${item.follows.id}`);
      const link: ChainLinkDto = { type: item.type, id: item.id };
      parent?.followedBy.push(link);
    }
    items.sort(
      (a, b) =>
        a.at.localeCompare(b.at) || ORDER[a.type] - ORDER[b.type] || a.id.localeCompare(b.id),
    );
    return { clientId, items };
  }
}
