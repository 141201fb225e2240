import { ObjectQuery } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import { AppConfig } from '@/config/app-config';
import { CreateLineDto, ListLinesQueryDto, UpdateLineDto } from '@/modules/directory/dto/line.dto';
import { Line } from '@/modules/directory/entities/line.entity';
import { containsPattern } from '@/modules/directory/like-pattern';
import { normalizePhone } from '@/modules/directory/phone-number';

@Injectable()
export class LinesService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
  ) {}

  async create(input: CreateLineDto): Promise<Line> {
    const line = this.em.create(Line, {
      code: input.code,
      name: input.name,
      number: input.number === undefined ? null : this.number(input.number),
      channels: input.channels,
    });
    await this.em.flush();
    return line;
  }

  async get(id: string): Promise<Line> {
    const line = await this.em.findOne(Line, { id });
    if (!line) throw AppError.notFound('Line', id);
    return line;
  }

  /** `q` matches the code or the name. */
  async list(query: ListLinesQueryDto): Promise<[Line[], number]> {
    const where: ObjectQuery<Line> = {};
    if (query.q !== undefined) {
      const pattern = containsPattern(query.q);
      where.$or = [{ code: { $ilike: pattern } }, { name: { $ilike: pattern } }];
    }
    return this.em.findAndCount(Line, where, {
      orderBy: { code: 'asc' },
      limit: query.limit,
      offset: query.offset,
    });
  }

  async update(id: string, input: UpdateLineDto): Promise<Line> {
    const line = await this.get(id);
    if (input.code !== undefined) line.code = input.code;
    if (input.name !== undefined) line.name = input.name;
    if (input.number !== undefined) {
      line.number = input.number === null ? null : this.number(input.number);
    }
    if (input.channels !== undefined) line.channels = input.channels;
    await this.em.flush();
    return line;
  }

  /** A line still referenced elsewhere is refused by its foreign keys (409 CONFLICT). */
  async remove(id: string): Promise<void> {
    const deleted = await this.em.nativeDelete(Line, { id });
    if (deleted === 0) throw AppError.notFound('Line', id);
  }

  private number(raw: string): string {
    return normalizePhone(raw, this.config.defaultPhoneRegion, 'number');
  }
}
