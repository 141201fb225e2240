import { Migration } from '@mikro-orm/migrations';

/**
 * Load statistics: one row per 15-minute UTC bucket per line, queue, staff member and client,
 * plus the bookkeeping that makes recomputation incremental (watermarks, last rolled-up span of
 * every call). No foreign keys on the rollups: a deleted line or queue keeps its history, and
 * calls on an unmapped line are kept under the all-zero line id.
 */
export class Migration20261128210000_stats extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "stats_line_15m" (
      "line_id" uuid not null,
      "bucket_start" timestamptz not null,
      "offered" int not null,
      "answered" int not null,
      "abandoned" int not null,
      "missed" int not null,
      "blocked" int not null,
      "occupied_seconds" double precision not null,
      "peak_concurrency" int not null,
      "channels" int null,
      constraint "stats_line_15m_pkey" primary key ("bucket_start", "line_id"));`);

    // waits_ms: every answered call's wait in milliseconds, ascending, so median and p90 over any
    // range are exact (merged at query time) rather than a mean of per-bucket percentiles.
    this.addSql(`create table "stats_queue_15m" (
      "queue_id" uuid not null,
      "bucket_start" timestamptz not null,
      "offered" int not null,
      "answered" int not null,
      "abandoned" int not null,
      "missed" int not null,
      "blocked" int not null,
      "sl_threshold_seconds" int not null,
      "answered_in_sl" int not null,
      "wait_sum_ms" bigint not null,
      "wait_max_ms" int null,
      "waits_ms" int[] not null,
      "handled" int not null,
      "talk_sum_ms" bigint not null,
      "wrap_up_sum_seconds" bigint not null,
      constraint "stats_queue_15m_pkey" primary key ("bucket_start", "queue_id"));`);

    this.addSql(`create table "stats_staff_15m" (
      "staff_id" uuid not null,
      "bucket_start" timestamptz not null,
      "offers" int not null,
      "accepted" int not null,
      "declined" int not null,
      "no_answer" int not null,
      "request_offers_accepted" int not null,
      "answered" int not null,
      "handled" int not null,
      "talk_sum_ms" bigint not null,
      "wrap_up_sum_seconds" bigint not null,
      constraint "stats_staff_15m_pkey" primary key ("bucket_start", "staff_id"));`);

    this.addSql(`create table "stats_client_15m" (
      "client_id" uuid not null,
      "bucket_start" timestamptz not null,
      "contacts" int not null,
      "answered" int not null,
      "abandoned" int not null,
      "missed" int not null,
      constraint "stats_client_15m_pkey" primary key ("bucket_start", "client_id"));`);

    // The buckets each call contributed to when it was last rolled up, and a digest of the
    // columns that fed it: a call whose arrival moves (a late "arrived" event) must also clear
    // its old buckets, and a re-scanned call whose figures did not change is skipped.
    this.addSql(`create table "stats_call_span" (
      "call_id" uuid not null,
      "first_bucket" timestamptz not null,
      "last_bucket" timestamptz not null,
      "digest" uuid not null,
      constraint "stats_call_span_pkey" primary key ("call_id"));`);

    // Line traffic finds the calls overlapping a bucket by arrival, at most LONG_CALL back; the
    // rare longer calls are found through this index instead of widening every scan.
    this.addSql(
      `create index "stats_call_span_long_index" on "stats_call_span" ("last_bucket") where "last_bucket" - "first_bucket" >= interval '6 hours';`,
    );

    this.addSql(`create table "stats_watermark" (
      "id" int not null,
      "calls_updated_at" timestamptz not null,
      "offers_changed_at" timestamptz not null,
      "recomputed_at" timestamptz not null,
      constraint "stats_watermark_pkey" primary key ("id"),
      constraint "stats_watermark_single_row" check ("id" = 1));`);
    this.addSql(
      `insert into "stats_watermark" values (1, 'epoch', 'epoch', now()) on conflict do nothing;`,
    );

    // Offers have no updated_at: the staff rollup finds changed offers by these two instants.
    this.addSql(`create index "stats_offers_created_at_index" on "offers" ("created_at");`);
    this.addSql(`create index "stats_offers_resolved_at_index" on "offers" ("resolved_at");`);
  }
}
