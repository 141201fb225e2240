import { Migration } from '@mikro-orm/migrations';

/** A reminder re-surfaces the same notification (its count and time bumped), not a new row. */
export class Migration20261130100000_notification_reminders extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "notifications" add column "remind_count" int not null default 0, add column "reminded_at" timestamptz null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "notifications" drop column "remind_count", drop column "reminded_at";`,
    );
  }
}
