import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128164354 } from '@/database/migrations/Migration20261128164354';

/** Applied in this order; append each new migration here. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261128164354', class: Migration20261128164354 },
];
