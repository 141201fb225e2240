import { Migration } from '@mikro-orm/migrations';

/**
 * Line and queue codes keep the PBX's spelling (`PS`, `AA0101`) and compare ignoring case: the
 * unique constraints move from `code` to `lower(code)`, which also serves the ingest's look-up.
 */
export class Migration20261204060000_case_insensitive_codes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "lines" drop constraint "lines_code_unique";`);
    this.addSql(`create unique index "lines_code_lower_unique" on "lines" (lower("code"));`);
    this.addSql(`alter table "queues" drop constraint "queues_code_unique";`);
    this.addSql(`create unique index "queues_code_lower_unique" on "queues" (lower("code"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "lines_code_lower_unique";`);
    this.addSql(`alter table "lines" add constraint "lines_code_unique" unique ("code");`);
    this.addSql(`drop index "queues_code_lower_unique";`);
    this.addSql(`alter table "queues" add constraint "queues_code_unique" unique ("code");`);
  }
}
