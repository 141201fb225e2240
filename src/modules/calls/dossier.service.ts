import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DossierDto } from '@/modules/calls/dto/dossier.dto';
import { Call } from '@/modules/calls/entities/call.entity';
import { Client } from '@/modules/directory/entities/client.entity';
import { ContactPerson } from '@/modules/directory/entities/contact-person.entity';
import { Request } from '@/modules/requests/entities/request.entity';

export const LAST_CONTACTS = 10;

/**
 * What a receptionist or the person offered a call should know about the caller: the client,
 * the contact person on the line, the client's curator, the last contacts and open requests.
 */
@Injectable()
export class DossierService {
  constructor(private readonly em: EntityManager) {}

  async forCallId(callId: string): Promise<DossierDto | null> {
    const call = await this.em.findOne(Call, { id: callId });
    return call ? this.forCall(call) : null;
  }

  forCall(call: Call): Promise<DossierDto> {
    return this.forParties(call.id, call.client?.id ?? null, call.contact?.id ?? null);
  }

  /** The same from ids alone, for callers that read the call without the ORM. */
  async forParties(
    callId: string,
    clientId: string | null,
    contactId: string | null,
  ): Promise<DossierDto> {
    const [client, contact, lastContacts, openRequests] = await Promise.all([
      clientId
        ? this.em.findOne(Client, { id: clientId }, { populate: ['curator'] })
        : Promise.resolve(null),
      contactId ? this.em.findOne(ContactPerson, { id: contactId }) : Promise.resolve(null),
      clientId
        ? this.em.find(
            Call,
            { client: clientId, id: { $ne: callId } },
            {
              populate: ['answeredBy'],
              orderBy: { arrivedAt: 'desc', id: 'desc' },
              limit: LAST_CONTACTS,
            },
          )
        : Promise.resolve([]),
      clientId
        ? this.em.find(
            Request,
            { client: clientId, status: 'open' },
            { orderBy: { createdAt: 'desc', id: 'desc' }, limit: LAST_CONTACTS },
          )
        : Promise.resolve([]),
    ]);
    return {
      client: client ? { id: client.id, name: client.name, kind: client.kind } : null,
      contact: contact ? { id: contact.id, name: contact.name, position: contact.position } : null,
      curator: client?.curator
        ? { id: client.curator.id, displayName: client.curator.displayName }
        : null,
      lastContacts: lastContacts.map((c) => ({
        id: c.id,
        arrivedAt: c.arrivedAt.toISOString(),
        status: c.status,
        outcome: c.outcome,
        answeredBy: c.answeredBy
          ? { id: c.answeredBy.id, displayName: c.answeredBy.displayName }
          : null,
      })),
      // The client's open requests, newest first, as the requests feature records them.
      openRequests: openRequests.map((r) => ({
        id: r.id,
        number: r.number,
        subject: r.subject,
        currentStage: r.currentStage,
        dueAt: r.currentDueAt?.toISOString() ?? null,
      })),
    };
  }
}
