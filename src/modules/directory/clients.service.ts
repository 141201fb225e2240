import { ObjectQuery } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import { AppConfig } from '@/config/app-config';
import {
  CreateClientDto,
  ListClientsQueryDto,
  UpdateClientDto,
} from '@/modules/directory/dto/client.dto';
import { Client } from '@/modules/directory/entities/client.entity';
import { containsPattern } from '@/modules/directory/like-pattern';
import { normalizePhone, normalizePhones } from '@/modules/directory/phone-number';
import { User } from '@/modules/staff/entities/user.entity';

@Injectable()
export class ClientsService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
  ) {}

  async create(input: CreateClientDto): Promise<Client> {
    const client = this.em.create(Client, {
      name: input.name,
      kind: input.kind ?? 'client',
      phones: normalizePhones(input.phones ?? [], this.config.defaultPhoneRegion, 'phones'),
      emails: [...new Set(input.emails ?? [])],
      curator: input.curatorId === undefined ? null : await this.curator(input.curatorId),
      note: input.note ?? null,
    });
    await this.em.flush();
    return client;
  }

  async get(id: string): Promise<Client> {
    const client = await this.em.findOne(Client, { id }, { populate: ['curator'] });
    if (!client) throw AppError.notFound('Client', id);
    return client;
  }

  async list(query: ListClientsQueryDto): Promise<[Client[], number]> {
    const where: ObjectQuery<Client> = {};
    if (query.q !== undefined) where.name = { $ilike: containsPattern(query.q) };
    if (query.kind !== undefined) where.kind = query.kind;
    if (query.curatorId !== undefined) where.curator = query.curatorId;
    if (query.phone !== undefined) {
      where.phones = { $contains: [normalizePhone(query.phone, this.config.defaultPhoneRegion)] };
    }
    return this.em.findAndCount(Client, where, {
      populate: ['curator'],
      orderBy: { name: 'asc', id: 'asc' },
      limit: query.limit,
      offset: query.offset,
    });
  }

  async update(id: string, input: UpdateClientDto): Promise<Client> {
    const client = await this.get(id);
    if (input.name !== undefined) client.name = input.name;
    if (input.kind !== undefined) client.kind = input.kind;
    if (input.phones !== undefined) {
      client.phones = normalizePhones(input.phones, this.config.defaultPhoneRegion, 'phones');
    }
    if (input.emails !== undefined) client.emails = [...new Set(input.emails)];
    if (input.curatorId !== undefined) {
      client.curator = input.curatorId === null ? null : await this.curator(input.curatorId);
    }
    if (input.note !== undefined) client.note = input.note;
    await this.em.flush();
    return client;
  }

  /** Contact persons go with the client (ON DELETE CASCADE). */
  async remove(id: string): Promise<void> {
    const deleted = await this.em.nativeDelete(Client, { id });
    if (deleted === 0) throw AppError.notFound('Client', id);
  }

  private async curator(userId: string): Promise<User> {
    const user = await this.em.findOne(User, { id: userId });
    if (!user) {
      throw new AppError('VALIDATION_FAILED', `User ${userId} does not exist`, {
        field: 'curatorId',
      });
    }
    return user;
  }
}
