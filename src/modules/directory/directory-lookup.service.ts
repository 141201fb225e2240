import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import { Client } from '@/modules/directory/entities/client.entity';
import { ContactPerson } from '@/modules/directory/entities/contact-person.entity';
import { normalizePhone } from '@/modules/directory/phone-number';

export interface PhoneLookup {
  /** The number looked up, as E.164. */
  phone: string;
  /** With its curator loaded. */
  client: Client | null;
  contact: ContactPerson | null;
}

/** Who is calling: the directory entry behind a phone number. */
@Injectable()
export class DirectoryLookupService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
  ) {}

  /**
   * A contact person's number wins over a client's own, because it names who is on the line;
   * among contacts sharing a number the highest priority, then the first by name. Runs on every
   * inbound call, so it is at most two queries, each on a GIN-indexed `phones @> {number}`.
   * Throws INVALID_PHONE_NUMBER (field `phone`) when `raw` is not a valid number, e.g. a withheld
   * caller id.
   */
  async lookupByPhone(raw: string): Promise<PhoneLookup> {
    const phone = normalizePhone(raw, this.config.defaultPhoneRegion, 'phone');
    const contact = await this.em.findOne(
      ContactPerson,
      { phones: { $contains: [phone] } },
      { populate: ['client.curator'], orderBy: { priority: 'desc', name: 'asc', id: 'asc' } },
    );
    if (contact) return { phone, client: contact.client, contact };
    const client = await this.em.findOne(
      Client,
      { phones: { $contains: [phone] } },
      { populate: ['curator'], orderBy: { name: 'asc', id: 'asc' } },
    );
    return { phone, client, contact: null };
  }
}
