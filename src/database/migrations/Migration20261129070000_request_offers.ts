import { Migration } from '@mikro-orm/migrations';

/** Requests are offered through their queue's strategy like calls; waiting work is indexed. */
export class Migration20261129070000_request_offers extends Migration {
  override async up(): Promise<void> {
    // One request offer at a time per person: capacity is counted with the pending offer in it.
    this.addSql(
      `create unique index "offers_one_pending_request_per_staff" on "offers" ("staff_id") where "status" = 'pending' and "kind" = 'request';`,
    );
    // What is waiting for someone in a queue, in the order it is served.
    this.addSql(
      `create index "requests_waiting_index" on "requests" ("queue_id", "priority" desc, "created_at", "id") where "status" = 'open' and "current_assignee_id" is null;`,
    );
    this.addSql(
      `create index "requests_open_by_assignee_index" on "requests" ("current_assignee_id") where "status" = 'open';`,
    );
    // Open requests are counted from the requests themselves; this counter was never kept.
    this.addSql(`alter table "staff_presence" drop column "open_requests";`);
    // Calls waiting for someone: the drain on someone becoming free and the recovery sweep.
    this.addSql(
      `create index "calls_waiting_index" on "calls" ("queue_id", "priority" desc, "arrived_at") where "status" in ('arrived', 'queued', 'transferred', 'offered') and "outcome" in ('in_progress', 'answered');`,
    );
  }
}
