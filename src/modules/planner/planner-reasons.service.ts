import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import {
  CreatePlannerReasonDto,
  UpdatePlannerReasonDto,
} from '@/modules/planner/dto/planner-reason.dto';
import { PlannerReason } from '@/modules/planner/entities/planner-reason.entity';
import { PlannerRepository } from '@/modules/planner/planner.repository';

/** The admin's list of reasons for postponing and failing planned contacts. */
@Injectable()
export class PlannerReasonsService {
  constructor(
    private readonly em: EntityManager,
    private readonly repo: PlannerRepository,
  ) {}

  list(includeRetired: boolean): Promise<PlannerReason[]> {
    return this.em.find(PlannerReason, includeRetired ? {} : { active: true }, {
      orderBy: { label: 'asc' },
    });
  }

  async create(input: CreatePlannerReasonDto): Promise<PlannerReason> {
    const reason = this.em.create(PlannerReason, { label: input.label.trim() });
    await this.save(reason);
    return reason;
  }

  async update(id: string, input: UpdatePlannerReasonDto): Promise<PlannerReason> {
    const reason = await this.load(id);
    if (input.label !== undefined) reason.label = input.label.trim();
    if (input.active !== undefined) reason.active = input.active;
    await this.save(reason);
    return reason;
  }

  /** A reason some plan used stays (their history names it): retire it with `active: false`. */
  async remove(id: string): Promise<void> {
    const reason = await this.load(id);
    if (await this.repo.planReferenced(id)) {
      throw new AppError(
        'CONFLICT',
        `Reason '${reason.label}' is used by planned contacts; retire it with active: false`,
      );
    }
    await this.em.removeAndFlush(reason);
  }

  private async load(id: string): Promise<PlannerReason> {
    const reason = await this.em.findOne(PlannerReason, id);
    if (!reason) throw AppError.notFound('Reason', id);
    return reason;
  }

  private async save(reason: PlannerReason): Promise<void> {
    try {
      await this.em.persistAndFlush(reason);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        this.em.clear();
        throw new AppError('ALREADY_EXISTS', `Reason '${reason.label}' already exists`, {
          field: 'label',
        });
      }
      throw err;
    }
  }
}
