import { Migration } from '@mikro-orm/migrations';

/**
 * A per-user token version, carried in every access token: bumping it (deactivation, password
 * change, "sign out everywhere") refuses every token issued before, at once.
 */
export class Migration20261130090000_user_token_version extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "users" add column "token_version" int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "users" drop column "token_version";`);
  }
}
