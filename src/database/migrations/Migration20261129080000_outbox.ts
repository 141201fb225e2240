import { Migration } from '@mikro-orm/migrations';

/**
 * The transactional outbox: a row per after-commit reaction (a call's or a request's change, a
 * new broadcast), written in the transaction of the change and deleted once delivered.
 */
export class Migration20261129080000_outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "outbox" (
      "id" uuid not null primary key,
      "topic" text not null,
      "payload" jsonb not null,
      "created_at" timestamptz not null default now(),
      "attempts" int not null default 0,
      "next_attempt_at" timestamptz not null default now(),
      "last_error" text null,
      "dead_at" timestamptz null
    );`);
    // What the sweep claims: live rows due for an attempt, oldest first.
    this.addSql(
      `create index "outbox_due_index" on "outbox" ("next_attempt_at", "created_at") where "dead_at" is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "outbox";`);
  }
}
