import { Migration } from '@mikro-orm/migrations';

/**
 * Every person's status over time (offline, available, break), for occupancy: talk + wrap-up
 * over the seconds logged in and not on break. A trigger on `staff_presence` writes it, so every
 * writer of a status (the socket, a sign-out, the no-answer break, a deactivation) is covered
 * without each remembering to. The open span of a person has `ended_at` null.
 */
export class Migration20261204094000_staff_status_spans extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "staff_status_spans" (
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "status" "staff_status" not null,
      "started_at" timestamptz not null,
      "ended_at" timestamptz null,
      constraint "staff_status_spans_pkey" primary key ("user_id", "started_at"),
      constraint "staff_status_spans_order" check ("ended_at" is null or "ended_at" >= "started_at"));`);
    this.addSql(
      `create unique index "staff_status_spans_open" on "staff_status_spans" ("user_id") where "ended_at" is null;`,
    );
    this.addSql(
      `create index "staff_status_spans_range" on "staff_status_spans" ("started_at", "ended_at") where "status" = 'available';`,
    );
    this.addSql(`create function "staff_status_span"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' and old.status = new.status then
          return null;
        end if;
        update staff_status_spans set ended_at = greatest(started_at, now())
         where user_id = new.user_id and ended_at is null;
        -- Two changes in one transaction share now(): the later one replaces the earlier.
        insert into staff_status_spans (user_id, status, started_at)
          values (new.user_id, new.status, now())
          on conflict (user_id, started_at) do update set status = excluded.status, ended_at = null;
        return null;
      end $$;`);
    this.addSql(`create trigger "staff_status_span" after insert or update of "status"
      on "staff_presence" for each row execute function "staff_status_span"();`);
    // Who is signed in now has been since their row last changed, as far as anyone knows.
    this.addSql(`insert into staff_status_spans (user_id, status, started_at)
      select user_id, status, updated_at from staff_presence;`);
  }
}
