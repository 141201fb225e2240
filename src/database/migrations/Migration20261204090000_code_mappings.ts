import { Migration } from '@mikro-orm/migrations';

/**
 * A telephony code an admin mapped to an existing line, queue or person: ingest resolves it like
 * the directory's own code. One foreign key per kind, so deleting the target drops the mapping
 * instead of leaving ingest to write an id that no longer exists.
 */
export class Migration20261204090000_code_mappings extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "code_mappings" (
      "kind" text not null check ("kind" in ('line', 'queue', 'agent')),
      "code" text not null,
      "line_id" uuid null references "lines" ("id") on delete cascade,
      "queue_id" uuid null references "queues" ("id") on delete cascade,
      "user_id" uuid null references "users" ("id") on delete cascade,
      "created_by" uuid null,
      "created_at" timestamptz not null default now(),
      constraint "code_mappings_pkey" primary key ("kind", "code"),
      constraint "code_mappings_one_target" check (
        ("kind" = 'line' and "line_id" is not null and "queue_id" is null and "user_id" is null) or
        ("kind" = 'queue' and "queue_id" is not null and "line_id" is null and "user_id" is null) or
        ("kind" = 'agent' and "user_id" is not null and "line_id" is null and "queue_id" is null)));`);
  }
}
