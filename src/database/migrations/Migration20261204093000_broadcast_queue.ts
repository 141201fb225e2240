import { Migration } from '@mikro-orm/migrations';

/**
 * A broadcast's audience may be a queue's members: the queue is kept with the broadcast so its
 * view says who it went to. Deleting the queue keeps the broadcast (and its recipients).
 */
export class Migration20261204093000_broadcast_queue extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "broadcasts" add column "queue_id" uuid null references "queues" ("id") on delete set null;`,
    );
  }
}
