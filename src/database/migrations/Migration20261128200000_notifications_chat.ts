import { Migration } from '@mikro-orm/migrations';

/** Delivery contract (per-user seq and outbox), notifications, broadcasts and chat. */
export class Migration20261128200000_notifications_chat extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "user_seq" (
      "user_id" uuid not null primary key references "users" ("id") on update cascade on delete cascade,
      "last_seq" bigint not null);`);
    // No foreign key: allocation in user_seq already checked the user, and this is the hot insert.
    this.addSql(`create table "user_events" (
      "user_id" uuid not null,
      "seq" bigint not null,
      "name" text not null,
      "payload" jsonb not null,
      "created_at" timestamptz not null default now(),
      constraint "user_events_pkey" primary key ("user_id", "seq"));`);
    this.addSql(`create index "user_events_created_at_index" on "user_events" ("created_at");`);

    this.addSql(`create table "notifications" (
      "id" uuid not null primary key,
      "user_id" uuid not null references "users" ("id") on update cascade on delete cascade,
      "kind" text not null check ("kind" in ('offer', 'assignment', 'missed-call', 'stage-overdue', 'mention', 'broadcast', 'threshold')),
      "title" text not null,
      "body" text not null default '',
      "data" jsonb not null default '{}',
      "critical" boolean not null default false,
      "created_at" timestamptz not null,
      "read_at" timestamptz null,
      "archived_at" timestamptz null,
      "idempotency_key" text not null,
      constraint "notifications_idempotency_key_unique" unique ("idempotency_key"));`);
    this.addSql(
      `create index "notifications_user_id_created_at_id_index" on "notifications" ("user_id", "created_at" desc, "id" desc);`,
    );
    this.addSql(
      `create index "notifications_unread_index" on "notifications" ("user_id") where "read_at" is null and "archived_at" is null;`,
    );

    this.addSql(`create table "notification_settings" (
      "user_id" uuid not null primary key references "users" ("id") on update cascade on delete cascade,
      "kinds" jsonb not null default '{}',
      "do_not_disturb_until" timestamptz null,
      "updated_at" timestamptz not null);`);

    this.addSql(`create table "broadcasts" (
      "id" uuid not null primary key,
      "created_by" uuid not null references "users" ("id") on update cascade,
      "text" text not null,
      "critical" boolean not null default false,
      "require_ack" boolean not null default false,
      "roles" text[] not null,
      "created_at" timestamptz not null);`);
    this.addSql(`create table "broadcast_recipients" (
      "broadcast_id" uuid not null references "broadcasts" ("id") on update cascade on delete cascade,
      "user_id" uuid not null references "users" ("id") on update cascade on delete cascade,
      "acked_at" timestamptz null,
      constraint "broadcast_recipients_pkey" primary key ("broadcast_id", "user_id"));`);

    this.addSql(`create table "chat_rooms" (
      "id" uuid not null primary key,
      "kind" text not null check ("kind" in ('direct', 'group', 'context')),
      "title" text null,
      "context_type" text null check ("context_type" in ('call', 'request', 'client')),
      "context_id" uuid null,
      "created_by" uuid not null references "users" ("id") on update cascade,
      "direct_key" text null,
      "created_at" timestamptz not null,
      constraint "chat_rooms_direct_key_unique" unique ("direct_key"));`);
    // One discussion per call, request or client: creating it again joins the existing room.
    this.addSql(
      `create unique index "chat_rooms_context_unique" on "chat_rooms" ("context_type", "context_id") where "kind" = 'context';`,
    );
    this.addSql(`create table "chat_members" (
      "room_id" uuid not null references "chat_rooms" ("id") on update cascade on delete cascade,
      "user_id" uuid not null references "users" ("id") on update cascade on delete cascade,
      "role" text not null default 'member' check ("role" in ('owner', 'member')),
      "last_read_message_id" uuid null,
      "last_read_at" timestamptz null,
      "joined_at" timestamptz not null,
      constraint "chat_members_pkey" primary key ("room_id", "user_id"));`);
    this.addSql(`create index "chat_members_user_id_index" on "chat_members" ("user_id");`);
    this.addSql(`create table "chat_messages" (
      "id" uuid not null primary key,
      "room_id" uuid not null references "chat_rooms" ("id") on update cascade on delete cascade,
      "sender_id" uuid not null references "users" ("id") on update cascade,
      "client_msg_id" text not null,
      "text" text not null,
      "reply_to" uuid null references "chat_messages" ("id") on update cascade on delete set null,
      "created_at" timestamptz not null,
      "edited_at" timestamptz null,
      "deleted_at" timestamptz null,
      constraint "chat_messages_sender_id_client_msg_id_unique" unique ("sender_id", "client_msg_id"));`);
    this.addSql(
      `create index "chat_messages_room_id_created_at_id_index" on "chat_messages" ("room_id", "created_at" desc, "id" desc);`,
    );
  }
}
