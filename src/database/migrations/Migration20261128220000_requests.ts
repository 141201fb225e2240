import { Migration } from '@mikro-orm/migrations';

/** Requests, their stage history and per-queue stage templates. */
export class Migration20261128220000_requests extends Migration {
  override async up(): Promise<void> {
    // A sequence rather than a serial column: the service takes the number before the insert.
    this.addSql(`create sequence "requests_number_seq" as integer start 1000;`);
    this.addSql(`create table "requests" (
      "id" uuid not null primary key,
      "number" integer not null default nextval('requests_number_seq'),
      "channel" text check ("channel" in ('phone', 'email', 'web', 'chat', 'walk_in')) not null,
      "client_id" uuid null references "clients" ("id") on update cascade on delete set null,
      "subject" text not null,
      "body" text null,
      "priority" integer not null default 0 check ("priority" between 0 and 9),
      "queue_id" uuid null references "queues" ("id") on update cascade on delete set null,
      "call_id" uuid null references "calls" ("id") on update cascade on delete set null,
      "current_stage" text not null,
      "current_assignee_id" uuid null references "users" ("id") on update cascade on delete set null,
      "current_due_at" timestamptz null,
      "status" text check ("status" in ('open', 'done', 'cancelled')) not null default 'open',
      "created_by_id" uuid null references "users" ("id") on update cascade on delete set null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      constraint "requests_number_unique" unique ("number"));`);
    this.addSql(`alter sequence "requests_number_seq" owned by "requests"."number";`);
    this.addSql(
      `create index "requests_client_id_created_at_index" on "requests" ("client_id", "created_at");`,
    );
    this.addSql(
      `create index "requests_current_assignee_id_index" on "requests" ("current_assignee_id");`,
    );
    this.addSql(
      `create index "requests_status_current_due_at_index" on "requests" ("status", "current_due_at");`,
    );

    this.addSql(`create table "request_stages" (
      "id" uuid not null primary key,
      "request_id" uuid not null references "requests" ("id") on update cascade on delete cascade,
      "stage" text not null,
      "position" integer not null,
      "duration_minutes" integer null,
      "assignee_id" uuid null references "users" ("id") on update cascade on delete set null,
      "due_at" timestamptz null,
      "started_at" timestamptz null,
      "done_at" timestamptz null,
      "note" text null,
      constraint "request_stages_request_id_position_unique" unique ("request_id", "position"));`);

    this.addSql(`create table "request_stage_templates" (
      "queue_id" uuid not null primary key references "queues" ("id") on update cascade on delete cascade,
      "stages" jsonb not null,
      "updated_at" timestamptz not null);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "request_stage_templates";`);
    this.addSql(`drop table if exists "request_stages";`);
    this.addSql(`drop table if exists "requests";`);
  }
}
