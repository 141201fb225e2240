import { Migration } from '@mikro-orm/migrations';

export class Migration20261128190000_routing extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "staff_status" as enum ('offline', 'available', 'break');`);
    this.addSql(`create type "staff_state" as enum ('idle', 'offered', 'busy', 'wrap_up');`);
    this.addSql(
      `create type "offer_status" as enum ('pending', 'accepted', 'declined', 'expired', 'cancelled');`,
    );
    this.addSql(`create table "staff_presence" (
      "user_id" uuid not null primary key references "users" ("id") on update cascade on delete cascade,
      "status" "staff_status" not null default 'offline',
      "break_reason" text null,
      "state" "staff_state" not null default 'idle',
      "state_since" timestamptz not null,
      "idle_since" timestamptz null,
      "current_call_id" uuid null,
      "open_requests" int not null default 0,
      "calls_today" int not null default 0,
      "calls_today_date" date null,
      "consecutive_no_answers" int not null default 0,
      "cooldown_until" timestamptz null,
      "last_offered_at" timestamptz null,
      "updated_at" timestamptz not null);`);
    this.addSql(`create table "offers" (
      "id" uuid not null primary key,
      "kind" text not null,
      "item_id" uuid not null,
      "staff_id" uuid not null references "users" ("id") on update cascade on delete cascade,
      "status" "offer_status" not null default 'pending',
      "ring_group" uuid null,
      "created_at" timestamptz not null,
      "expires_at" timestamptz not null,
      "resolved_at" timestamptz null);`);
    this.addSql(
      `create index "offers_item_id_created_at_index" on "offers" ("item_id", "created_at");`,
    );
    // The atomic claims: ring-all offers share a group and are exempt from the one-per-item rule.
    this.addSql(
      `create unique index "offers_one_pending_per_item" on "offers" ("item_id") where "status" = 'pending' and "ring_group" is null;`,
    );
    this.addSql(
      `create unique index "offers_one_pending_call_per_staff" on "offers" ("staff_id") where "status" = 'pending' and "kind" = 'call';`,
    );
    this.addSql(`create table "routing_decisions" (
      "id" uuid not null primary key,
      "item_id" uuid not null,
      "kind" text not null,
      "at" timestamptz not null,
      "strategy" text not null,
      "trigger" text not null,
      "candidates" jsonb not null,
      "ordered" jsonb not null,
      "offered_to" jsonb not null,
      "reason" text not null);`);
    this.addSql(
      `create index "routing_decisions_item_id_at_index" on "routing_decisions" ("item_id", "at");`,
    );
  }
}
