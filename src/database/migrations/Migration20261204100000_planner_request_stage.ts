import { Migration } from '@mikro-orm/migrations';

/**
 * A planned contact made from a request stage names that stage (not only the request), so the
 * request's stage history shows what was planned in which stage.
 */
export class Migration20261204100000_planner_request_stage extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "planned_contacts" add column "follows_request_stage_id" uuid null
         references "request_stages" ("id") on delete set null;`,
    );
    this.addSql(
      `create index "planned_contacts_follows_request_stage_id_index"
         on "planned_contacts" ("follows_request_stage_id")
         where "follows_request_stage_id" is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "planned_contacts" drop column "follows_request_stage_id";`);
  }
}
