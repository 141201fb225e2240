import { DateTime } from 'luxon';
import { parseEventTime } from '@/modules/calls/telephony-event';

const EPOCH = /^\d{9,11}(\.\d{1,9})?$/;
const LOCAL = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;

/**
 * A time as PBX files write it: epoch seconds (`queue_log`), an ISO-8601 time with an offset, or
 * a wall-clock time without one (CDR `Master.csv`, realtime tables, exported reports), which is
 * read in `zone` (the PBX's zone, given with `--time-zone`). Null when it is none of these.
 */
export function parseLogTime(raw: string, zone: string): Date | null {
  const text = raw.trim();
  if (EPOCH.test(text)) return new Date(Math.round(Number(text) * 1000));
  if (LOCAL.test(text)) {
    const local = DateTime.fromISO(text.replace(' ', 'T'), { zone });
    return local.isValid ? local.toJSDate() : null;
  }
  return parseEventTime(text.replace(' ', 'T'));
}

export function isTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}
