import { Migration } from '@mikro-orm/migrations';

/**
 * The planner: planned contacts and their history, the admin's list of reasons, calendar feed
 * tokens, a queue's callback target and a person's reminder lead.
 */
export class Migration20261204090000_planner extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "queues" add column "callback_target_minutes" int not null default 60;`,
    );
    this.addSql(`alter table "notification_settings" add column "planner_lead_minutes" int null;`);
    this.addSql(`alter table "notifications" drop constraint "notifications_kind_check",
      add constraint "notifications_kind_check" check ("kind" in ('offer', 'assignment',
        'missed-call', 'stage-overdue', 'mention', 'broadcast', 'threshold',
        'planner-reminder', 'planner-overdue'));`);

    this.addSql(`create table "planner_reasons" (
      "id" uuid not null primary key,
      "label" text not null,
      "active" boolean not null default true,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(
      `create unique index "planner_reasons_label_unique" on "planner_reasons" (lower("label"));`,
    );
    this.addSql(`insert into "planner_reasons" ("id", "label") values
      (gen_random_uuid(), 'client unavailable'),
      (gen_random_uuid(), 'client declined'),
      (gen_random_uuid(), 'rescheduled by client');`);

    this.addSql(`create table "planned_contacts" (
      "id" uuid not null primary key,
      "assignee_id" uuid not null references "users" ("id") on delete cascade,
      "client_id" uuid null references "clients" ("id") on delete set null,
      "contact_id" uuid null references "contact_persons" ("id") on delete set null,
      "kind" text not null check ("kind" in ('call', 'meeting', 'task', 'email')),
      "subject" text not null,
      "note" text null,
      "starts_at" timestamptz not null,
      "duration_minutes" int null,
      "due_at" timestamptz not null,
      "first_due_at" timestamptz not null,
      "status" text not null default 'planned'
        check ("status" in ('planned', 'postponed', 'done', 'failed', 'cancelled')),
      "origin" text not null default 'manual'
        check ("origin" in ('manual', 'call', 'hold', 'missed', 'request', 'planned')),
      "follows_call_id" uuid null references "calls" ("id") on delete set null,
      "follows_request_id" uuid null references "requests" ("id") on delete set null,
      "follows_planned_id" uuid null references "planned_contacts" ("id") on delete set null,
      "result_call_id" uuid null references "calls" ("id") on delete set null,
      "reason_id" uuid null references "planner_reasons" ("id") on delete set null,
      "reason_text" text null,
      "postpone_count" int not null default 0,
      "closed_at" timestamptz null,
      "created_by_id" uuid null references "users" ("id") on delete set null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(
      `create index "planned_contacts_assignee_starts_index" on "planned_contacts" ("assignee_id", "starts_at");`,
    );
    this.addSql(
      `create index "planned_contacts_client_index" on "planned_contacts" ("client_id", "starts_at");`,
    );
    this.addSql(
      `create index "planned_contacts_open_due_index" on "planned_contacts" ("due_at") where "status" in ('planned', 'postponed');`,
    );
    this.addSql(
      `create index "planned_contacts_first_due_index" on "planned_contacts" ("first_due_at");`,
    );
    // One callback per missed call, however often its reactions run.
    this.addSql(
      `create unique index "planned_contacts_callback_unique" on "planned_contacts" ("follows_call_id") where "origin" in ('hold', 'missed');`,
    );

    this.addSql(`create table "planned_contact_history" (
      "id" uuid not null primary key,
      "planned_contact_id" uuid not null references "planned_contacts" ("id") on delete cascade,
      "action" text not null,
      "at" timestamptz not null,
      "actor_id" uuid null references "users" ("id") on delete set null,
      "from_starts_at" timestamptz null,
      "to_starts_at" timestamptz null,
      "reason_id" uuid null references "planner_reasons" ("id") on delete set null,
      "reason_text" text null,
      "note" text null
    );`);
    this.addSql(
      `create index "planned_contact_history_plan_index" on "planned_contact_history" ("planned_contact_id", "at");`,
    );
    this.addSql(
      `create index "planned_contact_history_at_index" on "planned_contact_history" ("at") where "action" in ('postponed', 'failed');`,
    );

    this.addSql(`create table "calendar_feed_tokens" (
      "user_id" uuid not null primary key references "users" ("id") on delete cascade,
      "token_hash" text not null unique,
      "created_at" timestamptz not null default now()
    );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "calendar_feed_tokens";`);
    this.addSql(`drop table if exists "planned_contact_history";`);
    this.addSql(`drop table if exists "planned_contacts";`);
    this.addSql(`drop table if exists "planner_reasons";`);
    this.addSql(
      `delete from "notifications" where "kind" in ('planner-reminder', 'planner-overdue');`,
    );
    this.addSql(`alter table "notifications" drop constraint "notifications_kind_check",
      add constraint "notifications_kind_check" check ("kind" in ('offer', 'assignment',
        'missed-call', 'stage-overdue', 'mention', 'broadcast', 'threshold'));`);
    this.addSql(`alter table "notification_settings" drop column "planner_lead_minutes";`);
    this.addSql(`alter table "queues" drop column "callback_target_minutes";`);
  }
}
