import type { Bucket, ReportQuery } from '@web/api/supervision-types';
import { displayTimeZone } from '@web/components/time';

/** The selectors every report shares: days (inclusive), bucket and time zone. */
export interface Selection {
  fromDay: string;
  toDay: string;
  bucket: Bucket;
  tz: string;
}

export function isoDay(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}`;
}

export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return isoDay(new Date(y, m - 1, d + days));
}

/** Local midnights without an offset: the server reads them in `tz` (DST-correct there). */
export function toQuery(s: Selection): ReportQuery {
  return {
    from: `${s.fromDay}T00:00:00`,
    to: `${addDays(s.toDay, 1)}T00:00:00`,
    tz: s.tz,
    bucket: s.bucket,
  };
}

export function defaultSelection(): Selection {
  const today = isoDay(new Date());
  return {
    fromDay: today,
    toDay: today,
    bucket: '1h',
    // The zone the server reports in by default (DEFAULT_TIME_ZONE), as the rest of the console.
    tz: displayTimeZone() ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'),
  };
}
