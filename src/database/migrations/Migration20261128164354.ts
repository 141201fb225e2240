import { Migration } from '@mikro-orm/migrations';

export class Migration20261128164354 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create type "routing_strategy" as enum ('curator-first', 'longest-idle', 'least-busy', 'round-robin', 'fewest-calls', 'ring-all');`,
    );
    this.addSql(
      `create type "client_kind" as enum ('client', 'partner', 'dealer', 'supplier', 'competitor');`,
    );
    this.addSql(
      `create table "api_keys" ("id" uuid not null, "name" text not null, "prefix" text not null, "key_digest" text not null, "created_by" uuid null, "created_at" timestamptz not null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, constraint "api_keys_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "api_keys" add constraint "api_keys_key_digest_unique" unique ("key_digest");`,
    );

    this.addSql(
      `create table "lines" ("id" uuid not null, "code" text not null, "name" text not null, "number" text null, "channels" int not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "lines_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "lines" add constraint "lines_code_unique" unique ("code");`);

    this.addSql(
      `create table "queues" ("id" uuid not null, "code" text not null, "name" text not null, "strategy" "routing_strategy" not null default 'longest-idle', "sl_threshold_seconds" int not null default 20, "max_wait_seconds" int not null default 300, "wrap_up_seconds" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "queues_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "queues" add constraint "queues_code_unique" unique ("code");`);

    this.addSql(
      `create table "users" ("id" uuid not null, "username" text not null, "display_name" text not null, "password_hash" text not null, "roles" text[] not null, "extension" text null, "active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "users_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_username_unique" unique ("username");`);
    this.addSql(
      `alter table "users" add constraint "users_extension_unique" unique ("extension");`,
    );

    this.addSql(
      `create table "queue_members" ("id" uuid not null, "queue_id" uuid not null, "user_id" uuid not null, "skill_level" int not null default 5, constraint "queue_members_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "queue_members_user_id_index" on "queue_members" ("user_id");`);
    this.addSql(
      `alter table "queue_members" add constraint "queue_members_queue_id_user_id_unique" unique ("queue_id", "user_id");`,
    );

    this.addSql(
      `create table "clients" ("id" uuid not null, "name" text not null, "kind" "client_kind" not null default 'client', "phones" text[] not null, "emails" text[] not null, "curator_id" uuid null, "note" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "clients_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "clients_name_index" on "clients" ("name");`);
    this.addSql(`create index "clients_curator_id_index" on "clients" ("curator_id");`);
    this.addSql(`create index "clients_phones_gin" on "clients" using gin ("phones");`);

    this.addSql(
      `create table "contact_persons" ("id" uuid not null, "client_id" uuid not null, "name" text not null, "position" text null, "phones" text[] not null, "emails" text[] not null, "priority" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "contact_persons_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "contact_persons_client_id_index" on "contact_persons" ("client_id");`,
    );
    this.addSql(
      `create index "contact_persons_phones_gin" on "contact_persons" using gin ("phones");`,
    );

    this.addSql(
      `alter table "queue_members" add constraint "queue_members_queue_id_foreign" foreign key ("queue_id") references "queues" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "queue_members" add constraint "queue_members_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "clients" add constraint "clients_curator_id_foreign" foreign key ("curator_id") references "users" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "contact_persons" add constraint "contact_persons_client_id_foreign" foreign key ("client_id") references "clients" ("id") on update cascade on delete cascade;`,
    );
  }
}
