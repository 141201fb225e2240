import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import { PageQueryDto } from '@/common/pagination/page.dto';
import { AppConfig } from '@/config/app-config';
import { CreateContactDto, UpdateContactDto } from '@/modules/directory/dto/contact.dto';
import { Client } from '@/modules/directory/entities/client.entity';
import { ContactPerson } from '@/modules/directory/entities/contact-person.entity';
import { normalizePhones } from '@/modules/directory/phone-number';

@Injectable()
export class ContactsService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
  ) {}

  async create(clientId: string, input: CreateContactDto): Promise<ContactPerson> {
    const client = await this.em.findOne(Client, { id: clientId });
    if (!client) throw AppError.notFound('Client', clientId);
    const contact = this.em.create(ContactPerson, {
      client,
      name: input.name,
      position: input.position ?? null,
      phones: normalizePhones(input.phones ?? [], this.config.defaultPhoneRegion, 'phones'),
      emails: [...new Set(input.emails ?? [])],
      priority: input.priority ?? 0,
    });
    await this.em.flush();
    return contact;
  }

  async get(id: string): Promise<ContactPerson> {
    const contact = await this.em.findOne(ContactPerson, { id });
    if (!contact) throw AppError.notFound('Contact', id);
    return contact;
  }

  /** Ordered as the phone look-up ranks them: highest priority first, then by name. */
  async listForClient(clientId: string, query: PageQueryDto): Promise<[ContactPerson[], number]> {
    const found = await this.em.findAndCount(
      ContactPerson,
      { client: clientId },
      {
        orderBy: { priority: 'desc', name: 'asc', id: 'asc' },
        limit: query.limit,
        offset: query.offset,
      },
    );
    // An empty page is only worth a second query when it might mean "no such client".
    if (found[1] === 0 && (await this.em.count(Client, { id: clientId })) === 0) {
      throw AppError.notFound('Client', clientId);
    }
    return found;
  }

  async update(id: string, input: UpdateContactDto): Promise<ContactPerson> {
    const contact = await this.get(id);
    if (input.name !== undefined) contact.name = input.name;
    if (input.position !== undefined) contact.position = input.position;
    if (input.phones !== undefined) {
      contact.phones = normalizePhones(input.phones, this.config.defaultPhoneRegion, 'phones');
    }
    if (input.emails !== undefined) contact.emails = [...new Set(input.emails)];
    if (input.priority !== undefined) contact.priority = input.priority;
    await this.em.flush();
    return contact;
  }

  async remove(id: string): Promise<void> {
    const deleted = await this.em.nativeDelete(ContactPerson, { id });
    if (deleted === 0) throw AppError.notFound('Contact', id);
  }
}
