import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128164354 } from '@/database/migrations/Migration20261128164354';
import { Migration20261128190000_routing } from '@/database/migrations/Migration20261128190000_routing';
import { Migration20261128200000_notifications_chat } from '@/database/migrations/Migration20261128200000_notifications_chat';
import { Migration20261128180000_calls } from '@/database/migrations/Migration20261128180000_calls';
import { Migration20261128210000_stats } from '@/database/migrations/Migration20261128210000_stats';
import { Migration20261128220000_requests } from '@/database/migrations/Migration20261128220000_requests';
import { Migration20261129070000_request_offers } from '@/database/migrations/Migration20261129070000_request_offers';
import { Migration20261129080000_outbox } from '@/database/migrations/Migration20261129080000_outbox';
import { Migration20261130090000_user_token_version } from '@/database/migrations/Migration20261130090000_user_token_version';
import { Migration20261130100000_notification_reminders } from '@/database/migrations/Migration20261130100000_notification_reminders';
import { Migration20261204090000_code_mappings } from '@/database/migrations/Migration20261204090000_code_mappings';
import { Migration20261204100000_planner_request_stage } from '@/database/migrations/Migration20261204100000_planner_request_stage';
import { Migration20261204090000_planner } from '@/database/migrations/Migration20261204090000_planner';
import { Migration20261204060000_case_insensitive_codes } from '@/database/migrations/Migration20261204060000_case_insensitive_codes';
import { Migration20261204093000_broadcast_queue } from '@/database/migrations/Migration20261204093000_broadcast_queue';
import { Migration20261204094000_staff_status_spans } from '@/database/migrations/Migration20261204094000_staff_status_spans';

/** Applied in this order; append each new migration here. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261128164354', class: Migration20261128164354 },
  { name: 'Migration20261128190000_routing', class: Migration20261128190000_routing },
  {
    name: 'Migration20261128200000_notifications_chat',
    class: Migration20261128200000_notifications_chat,
  },
  { name: 'Migration20261128180000_calls', class: Migration20261128180000_calls },
  { name: 'Migration20261128210000_stats', class: Migration20261128210000_stats },
  { name: 'Migration20261128220000_requests', class: Migration20261128220000_requests },
  { name: 'Migration20261129070000_request_offers', class: Migration20261129070000_request_offers },
  { name: 'Migration20261129080000_outbox', class: Migration20261129080000_outbox },
  {
    name: 'Migration20261130090000_user_token_version',
    class: Migration20261130090000_user_token_version,
  },
  {
    name: 'Migration20261130100000_notification_reminders',
    class: Migration20261130100000_notification_reminders,
  },
  { name: 'Migration20261204090000_code_mappings', class: Migration20261204090000_code_mappings },
  { name: 'Migration20261204090000_planner', class: Migration20261204090000_planner },
  {
    name: 'Migration20261204060000_case_insensitive_codes',
    class: Migration20261204060000_case_insensitive_codes,
  },
  {
    name: 'Migration20261204093000_broadcast_queue',
    class: Migration20261204093000_broadcast_queue,
  },
  {
    name: 'Migration20261204094000_staff_status_spans',
    class: Migration20261204094000_staff_status_spans,
  },
  {
    name: 'Migration20261204100000_planner_request_stage',
    class: Migration20261204100000_planner_request_stage,
  },
];
