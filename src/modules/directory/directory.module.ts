import { Module } from '@nestjs/common';
import { ClientsController } from '@/modules/directory/clients.controller';
import { ClientsService } from '@/modules/directory/clients.service';
import { ContactsController } from '@/modules/directory/contacts.controller';
import { ContactsService } from '@/modules/directory/contacts.service';
import { DirectoryLookupController } from '@/modules/directory/directory-lookup.controller';
import { DirectoryLookupService } from '@/modules/directory/directory-lookup.service';
import { LinesController } from '@/modules/directory/lines.controller';
import { LinesService } from '@/modules/directory/lines.service';
import { QueuesController } from '@/modules/directory/queues.controller';
import { QueuesService } from '@/modules/directory/queues.service';

/** Clients and their contact persons, lines and queues; the caller look-up other features use. */
@Module({
  controllers: [
    ClientsController,
    ContactsController,
    LinesController,
    QueuesController,
    DirectoryLookupController,
  ],
  providers: [ClientsService, ContactsService, LinesService, QueuesService, DirectoryLookupService],
  exports: [DirectoryLookupService],
})
export class DirectoryModule {}
