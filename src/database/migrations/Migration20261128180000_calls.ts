import { Migration } from '@mikro-orm/migrations';

export class Migration20261128180000_calls extends Migration {
  override async up(): Promise<void> {
    // Statuses and outcomes are text with checks rather than native enums: the lifecycle may
    // grow, and a new enum value cannot be used in the transaction that adds it.
    this.addSql(`create table "calls" (
      "id" uuid not null,
      "external_id" text not null,
      "source" text check ("source" in ('telephony', 'manual')) not null,
      "status" text check ("status" in ('arrived', 'queued', 'offered', 'answered', 'transferred', 'ended', 'abandoned', 'missed', 'blocked')) not null default 'arrived',
      "outcome" text check ("outcome" in ('in_progress', 'answered', 'abandoned', 'missed', 'blocked')) not null default 'in_progress',
      "arrived_at" timestamptz not null,
      "queued_at" timestamptz null,
      "first_offered_at" timestamptz null,
      "answered_at" timestamptz null,
      "ended_at" timestamptz null,
      "line_code" text null,
      "queue_code" text null,
      "answered_by_code" text null,
      "last_agent_code" text null,
      "from_number" text null,
      "to_number" text null,
      "transfers" int not null default 0,
      "offers" int not null default 0,
      "event_count" int not null default 0,
      "last_event_at" timestamptz not null,
      "line_id" uuid null,
      "queue_id" uuid null,
      "answered_by_id" uuid null,
      "client_id" uuid null,
      "contact_id" uuid null,
      "topic" text null,
      "note" text null,
      "priority" int not null default 0,
      "called_back_at" timestamptz null,
      "called_back_by_id" uuid null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      constraint "calls_pkey" primary key ("id"));`);
    this.addSql(
      `alter table "calls" add constraint "calls_external_id_unique" unique ("external_id");`,
    );
    this.addSql(`create index "calls_arrived_at_index" on "calls" ("arrived_at");`);
    this.addSql(
      `create index "calls_client_id_arrived_at_index" on "calls" ("client_id", "arrived_at");`,
    );
    this.addSql(
      `create index "calls_queue_id_arrived_at_index" on "calls" ("queue_id", "arrived_at");`,
    );
    this.addSql(
      `create index "calls_line_id_arrived_at_index" on "calls" ("line_id", "arrived_at");`,
    );
    this.addSql(`create index "calls_updated_at_index" on "calls" ("updated_at");`);
    // The unfinished-contacts list scans only the few calls still waiting for a callback.
    this.addSql(
      `create index "calls_unfinished_index" on "calls" ("arrived_at") where "outcome" in ('missed', 'abandoned') and "called_back_at" is null;`,
    );
    this.addSql(
      `alter table "calls" add constraint "calls_line_id_foreign" foreign key ("line_id") references "lines" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "calls" add constraint "calls_queue_id_foreign" foreign key ("queue_id") references "queues" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "calls" add constraint "calls_answered_by_id_foreign" foreign key ("answered_by_id") references "users" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "calls" add constraint "calls_client_id_foreign" foreign key ("client_id") references "clients" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "calls" add constraint "calls_contact_id_foreign" foreign key ("contact_id") references "contact_persons" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "calls" add constraint "calls_called_back_by_id_foreign" foreign key ("called_back_by_id") references "users" ("id") on update cascade on delete set null;`,
    );

    this.addSql(`create table "call_events" (
      "id" text not null,
      "call_id" uuid not null,
      "type" text check ("type" in ('arrived', 'queued', 'offered', 'answered', 'transferred', 'blocked', 'abandoned', 'missed', 'ended')) not null,
      "at" timestamptz not null,
      "line" text null,
      "queue" text null,
      "agent" text null,
      "from" text null,
      "to" text null,
      "source" text check ("source" in ('telephony', 'manual', 'system')) not null,
      "received_at" timestamptz not null,
      constraint "call_events_pkey" primary key ("id"));`);
    this.addSql(`create index "call_events_call_id_at_index" on "call_events" ("call_id", "at");`);
    this.addSql(
      `alter table "call_events" add constraint "call_events_call_id_foreign" foreign key ("call_id") references "calls" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`create table "unmapped_codes" (
      "kind" text check ("kind" in ('line', 'queue', 'agent')) not null,
      "code" text not null,
      "first_seen_at" timestamptz not null,
      "last_seen_at" timestamptz not null,
      "seen_count" int not null default 0,
      constraint "unmapped_codes_pkey" primary key ("kind", "code"));`);
  }
}
