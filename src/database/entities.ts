import { ApiKey } from '@/modules/auth/entities/api-key.entity';
import { Client } from '@/modules/directory/entities/client.entity';
import { ContactPerson } from '@/modules/directory/entities/contact-person.entity';
import { Line } from '@/modules/directory/entities/line.entity';
import { QueueMember } from '@/modules/directory/entities/queue-member.entity';
import { Queue } from '@/modules/directory/entities/queue.entity';
import { User } from '@/modules/staff/entities/user.entity';

/** Every entity, listed once, so the API, the worker, the CLI and the tests see the same model. */
export const ENTITIES = [User, ApiKey, Client, ContactPerson, Line, Queue, QueueMember];
