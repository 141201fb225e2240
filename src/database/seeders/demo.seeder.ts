import type { EntityManager } from '@mikro-orm/core';
import { Seeder } from '@mikro-orm/seeder';
import type { UserRole } from '@/common/auth/roles';
import { passwordHasher } from '@/modules/auth/password-hasher';
import { Client, ClientKind } from '@/modules/directory/entities/client.entity';
import { ContactPerson } from '@/modules/directory/entities/contact-person.entity';
import { Line } from '@/modules/directory/entities/line.entity';
import { QueueMember } from '@/modules/directory/entities/queue-member.entity';
import { Queue, QueueStrategy } from '@/modules/directory/entities/queue.entity';
import { User } from '@/modules/staff/entities/user.entity';
import { PlannedContact, PlannedKind } from '@/modules/planner/entities/planned-contact.entity';
import { dueAt } from '@/modules/planner/planner-rules';
import { outboxMessage } from '@/outbox/outbox.catalogue';
import { outboxInsert } from '@/outbox/outbox.repository';

export const DEMO_PASSWORD = 'switchboard-demo';

const STAFF: {
  username: string;
  displayName: string;
  roles: UserRole[];
  extension: string | null;
}[] = [
  {
    username: 'supervisor',
    displayName: 'Sofia Supervisor',
    roles: ['supervisor'],
    extension: '100',
  },
  {
    username: 'reception',
    displayName: 'Rita Reception',
    roles: ['receptionist'],
    extension: '101',
  },
  { username: 'anna', displayName: 'Anna Petrova', roles: ['agent'], extension: '201' },
  { username: 'boris', displayName: 'Boris Ivanov', roles: ['agent'], extension: '202' },
  { username: 'carla', displayName: 'Carla Mendes', roles: ['agent'], extension: '203' },
  { username: 'dmitri', displayName: 'Dmitri Sokolov', roles: ['agent'], extension: '204' },
  {
    username: 'elena',
    displayName: 'Elena Kuznetsova',
    roles: ['agent', 'supervisor'],
    extension: '205',
  },
  { username: 'felix', displayName: 'Felix Wagner', roles: ['agent'], extension: '206' },
];

const QUEUES: { code: string; name: string; strategy: QueueStrategy; members: string[] }[] = [
  { code: 'sales', name: 'Sales', strategy: 'curator-first', members: ['anna', 'boris', 'elena'] },
  {
    code: 'support',
    name: 'Support',
    strategy: 'longest-idle',
    members: ['carla', 'dmitri', 'felix', 'boris'],
  },
  { code: 'billing', name: 'Billing', strategy: 'least-busy', members: ['dmitri', 'elena'] },
];

const CLIENTS: {
  name: string;
  kind: ClientKind;
  phones: string[];
  curator: string;
  contacts: { name: string; position: string; phones: string[] }[];
}[] = [
  {
    name: 'Northwind Trading',
    kind: 'client',
    phones: ['+74959876543'],
    curator: 'anna',
    contacts: [
      { name: 'Olga Smirnova', position: 'Purchasing manager', phones: ['+79161234567'] },
      { name: 'Pavel Orlov', position: 'CEO', phones: ['+79161234568'] },
    ],
  },
  {
    name: 'Contoso Logistics',
    kind: 'partner',
    phones: ['+441632960001'],
    curator: 'boris',
    contacts: [{ name: 'James Hill', position: 'Operations', phones: ['+447700900123'] }],
  },
  {
    name: 'Fabrikam Parts',
    kind: 'supplier',
    phones: ['+493012345678'],
    curator: 'elena',
    contacts: [{ name: 'Jonas Becker', position: 'Account manager', phones: ['+4915112345678'] }],
  },
  {
    name: 'Adventure Works Dealer',
    kind: 'dealer',
    phones: ['+12025550143'],
    curator: 'anna',
    contacts: [{ name: 'Maria Garcia', position: 'Owner', phones: ['+12025550144'] }],
  },
];

/** A small, realistic front office: lines, queues, one person per role, clients with curators. */
export class DemoSeeder extends Seeder {
  async run(em: EntityManager): Promise<void> {
    if ((await em.count(Line, { code: 'main' })) > 0) return;
    const passwordHash = await passwordHasher.hash(DEMO_PASSWORD);
    const users = new Map<string, User>();
    for (const person of STAFF) {
      const existing = await em.findOne(User, { username: person.username });
      const user = existing ?? em.create(User, { ...person, passwordHash });
      users.set(person.username, user);
    }
    em.create(Line, { code: 'main', name: 'Main number', number: '+74951234567', channels: 30 });
    em.create(Line, {
      code: 'support',
      name: 'Support hotline',
      number: '+74951234500',
      channels: 10,
    });
    em.create(Line, { code: 'fax', name: 'Legacy fax trunk', number: null, channels: 2 });
    for (const spec of QUEUES) {
      const queue = em.create(Queue, { code: spec.code, name: spec.name, strategy: spec.strategy });
      spec.members.forEach((username, index) =>
        em.create(QueueMember, { queue, user: users.get(username)!, skillLevel: 5 + (index % 3) }),
      );
    }
    const clients: Client[] = [];
    for (const spec of CLIENTS) {
      const client = em.create(Client, {
        name: spec.name,
        kind: spec.kind,
        phones: spec.phones,
        emails: [],
        curator: users.get(spec.curator)!,
      });
      clients.push(client);
      spec.contacts.forEach((contact, index) =>
        em.create(ContactPerson, { ...contact, emails: [], client, priority: 10 - index }),
      );
    }
    const plans = demoPlans(em, clients, new Date());
    await em.flush();
    // Their reminders and overdue checks are laid by the worker's outbox sweep, as for any plan.
    const { sql, bindings } = outboxInsert(
      plans.map((plan) =>
        outboxMessage('planner.changed', {
          plannedContactId: plan.id,
          change: 'created',
          previousStartsAt: null,
          previousDueAt: null,
          previousAssigneeId: null,
        }),
      ),
    );
    await em.getConnection().execute(sql, bindings);
  }
}

const HOUR = 3_600_000;

/** A few plans for each curator around now: one overdue, one soon, one tomorrow. */
function demoPlans(em: EntityManager, clients: Client[], now: Date): PlannedContact[] {
  const at = (hours: number) =>
    new Date(Math.round((now.getTime() + hours * HOUR) / 60_000) * 60_000);
  return clients.flatMap((client, index) => {
    const assignee = client.curator!;
    const specs: [PlannedKind, string, number, number | null][] = [
      ['task', `Send ${client.name} the price list`, -3 - index, null],
      ['call', `Call ${client.name} back about the offer`, 2 + index, 15],
      ['meeting', `Visit ${client.name}`, 24 + 2 * index, 60],
    ];
    return specs.map(([kind, subject, hours, durationMinutes]) => {
      const startsAt = at(hours);
      const due = dueAt(startsAt, durationMinutes);
      return em.create(PlannedContact, {
        assignee,
        client,
        kind,
        subject,
        startsAt,
        durationMinutes,
        dueAt: due,
        firstDueAt: due,
        createdBy: assignee,
      });
    });
  });
}
